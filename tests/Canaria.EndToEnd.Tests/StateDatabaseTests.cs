using System.Net;
using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests;

/// <summary>
/// `canaria run` on a state directory whose database was lost or damaged while replicas kept serving: it never stops
/// processes it did not start, and a database it cannot read stops it before it touches any process.
/// </summary>
public sealed class StateDatabaseTests : IDisposable
{
    private readonly RunProcessFixture _run = new();

    [Fact]
    public async Task Run_DatabaseTruncatedToZeroBytes_RunningReplicasReportedAsOrphansAndLeftServing()
    {
        var port = RunProcessFixture.FreePort();
        var (first, _, pids) = await _run.StartHealthyAsync("lost", RunProcessFixture.Spec("lost", port, replicas: 3));
        Assert.Equal(3, pids.Count);
        first.Kill();
        await first.WaitForExitAsync();
        await File.WriteAllBytesAsync(_run.DatabasePath, []);
        File.Delete(_run.DatabasePath + "-wal");
        File.Delete(_run.DatabasePath + "-shm");

        var second = CliProcess.Start(_run.Controllers, "run", "--state-dir", _run.StateDir);
        using var api = await _run.ConnectAsync(second);
        // Reported after the first tick, i.e. after the point where undeclared replicas used to be stopped.
        await RunProcessFixture.WaitUntilAsync(() => Task.FromResult(CliProcess.Output(second).Split('\n').Count(l => l.Contains("orphan replicas", StringComparison.Ordinal)) == 1),
            "the orphan report", () => CliProcess.Output(second));

        using var response = await api.GetAsync("orphans");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var orphans = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        var orphanPids = orphans.SelectMany(o => o!["replicas"]!.AsArray()).Select(r => r!["pid"]!.GetValue<int>()).Order().ToList();
        Assert.Equal(pids, orphanPids);
        Assert.Equal("lost-r1", Assert.Single(orphans)!["setKey"]!.GetValue<string>());
        using var http = new HttpClient();
        foreach (var replica in orphans.SelectMany(o => o!["replicas"]!.AsArray()))
        {
            using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{replica!["port"]!.GetValue<int>()}/"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // still serving
        }
        Assert.All(pids, pid => Assert.True(RunProcessFixture.IsAlive(pid), $"replica {pid} was stopped by a controller that did not start it"));

        // The adopted gateway keeps serving the service through its listener: the new controller, which does not know the
        // rollout, pushed its config after the first tick and kept that listener.
        await RunProcessFixture.WaitUntilAsync(() => Task.FromResult(CliProcess.Output(second).Contains("left serving (`canaria delete lost`", StringComparison.Ordinal)),
            "the report of the listener kept for the unknown rollout", () => CliProcess.Output(second));
        for (var i = 0; i < 50; i++)
        {
            using var viaGateway = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.Equal(HttpStatusCode.OK, viaGateway.StatusCode);
        }

        var get = CliProcess.Start(_run.Controllers, "get", "--state-dir", _run.StateDir);
        Assert.True(get.WaitForExit(TimeSpan.FromSeconds(30)), "canaria get did not finish");
        get.WaitForExit();
        Assert.Equal(0, get.ExitCode);
        var line = Assert.Single(CliProcess.Output(get).Split('\n'), l => l.StartsWith("orphan replicas lost-r1 (pids ", StringComparison.Ordinal));
        Assert.All(pids, pid => Assert.Contains(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_CorruptDatabase_ExitsWithOneLineNamingTheFileAndLeavesReplicasAlone()
    {
        var (first, _, pids) = await _run.StartHealthyAsync("bad", RunProcessFixture.Spec("bad", RunProcessFixture.FreePort(), replicas: 1));
        first.Kill();
        await first.WaitForExitAsync();
        await File.WriteAllTextAsync(_run.DatabasePath, string.Concat(Enumerable.Repeat("this is not a SQLite database. ", 400)));
        File.Delete(_run.DatabasePath + "-wal");
        File.Delete(_run.DatabasePath + "-shm");
        var records = Directory.GetFiles(Path.Combine(_run.StateDir, "replicas"), "*.json", SearchOption.AllDirectories);

        var second = CliProcess.Start(_run.Controllers, "run", "--state-dir", _run.StateDir);
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(30)), "the controller kept running on a corrupt database");
        second.WaitForExit(); // drain the output
        var output = CliProcess.Output(second).Trim();

        Assert.NotEqual(0, second.ExitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_run.DatabasePath, line, StringComparison.Ordinal);
        Assert.Contains("corrupt", line, StringComparison.Ordinal);
        Assert.Contains("move it aside", line, StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.True(RunProcessFixture.IsAlive(pid), $"replica {pid} was touched"));
        Assert.All(records, r => Assert.True(File.Exists(r), $"replica record {r} was removed"));
        var info = Path.Combine(_run.StateDir, "controller.json"); // the killed controller's, never the refused one's
        Assert.NotEqual(second.Id, JsonNode.Parse(await File.ReadAllTextAsync(info))!["pid"]!.GetValue<int>());
    }

    public void Dispose() => _run.Dispose();
}
