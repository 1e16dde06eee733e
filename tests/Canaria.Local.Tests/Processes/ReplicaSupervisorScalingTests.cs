using System.Text.Json;
using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Processes;

public sealed class ReplicaSupervisorScalingTests
{
    [Fact]
    public async Task SetDesired_ThreeReplicas_AllBecomeReadyAndAnswerWithTheirVersion()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);

        supervisor.SetDesired("web-v1", SampleApp.Template("v1"), 3);

        Assert.Equal(3, supervisor.Observe("web-v1").Desired);
        var snapshot = await SupervisorFixture.WaitReadyAsync(supervisor, "web-v1", 3);
        Assert.Equal([0, 1, 2], snapshot.Replicas.Select(r => r.Index));
        Assert.Equal(3, snapshot.Replicas.Select(r => r.Port).Distinct().Count());
        foreach (var replica in snapshot.Replicas)
        {
            Assert.Equal($"http://127.0.0.1:{replica.Port}", replica.Url);
            using var response = await Http.Client.GetAsync(new Uri(replica.Url + "/"));
            Assert.Equal("v1", Assert.Single(response.Headers.GetValues("X-Sample-Version")));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal($"v1-{replica.Index}", body.RootElement.GetProperty("instance").GetString());
            // The tracked pid is the app itself (the launcher's shell exec'd it), and its output went to the log file.
            Assert.Contains($"pid={replica.Pid}", await File.ReadAllTextAsync(replica.LogPath));
            // No pipes to the supervisor (a killed controller cannot SIGPIPE its replicas), and a session of its own.
            Assert.Equal(replica.LogPath, new FileInfo($"/proc/{replica.Pid}/fd/1").LinkTarget);
            Assert.Equal(replica.LogPath, new FileInfo($"/proc/{replica.Pid}/fd/2").LinkTarget);
            Assert.Equal(replica.Pid.ToString(), SessionId(replica.Pid!.Value));
            Assert.True(File.Exists(Path.Combine(dir.Path, "replicas", "web-v1", $"{replica.Index}.json")));
        }
    }

    [Fact]
    public async Task SetDesired_ScaleDown_StopsHighestIndexesWithSigterm()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        var template = SampleApp.Template("v1");
        supervisor.SetDesired("web-v1", template, 3);
        var before = await SupervisorFixture.WaitReadyAsync(supervisor, "web-v1", 3);
        var startTimes = before.Replicas.ToDictionary(r => r.Index, r => UnixProcess.ReadStartTime(r.Pid!.Value)!.Value);

        supervisor.SetDesired("web-v1", template, 1);

        var after = await Poll.UntilAsync(() => supervisor.Observe("web-v1"), s => s.Replicas.Count == 1, "scale down to 1");
        var kept = Assert.Single(after.Replicas);
        Assert.Equal(0, kept.Index);
        Assert.Equal(before.Replicas[0].Pid, kept.Pid);
        foreach (var stopped in before.Replicas.Skip(1))
        {
            Assert.True(SupervisorFixture.IsGone(stopped.Pid!.Value, startTimes[stopped.Index]), $"replica {stopped.Index} still runs");
            // exit code 0 is what the sample app does on SIGTERM; a SIGKILL would leave no such line
            Assert.Contains("exiting code=0", await File.ReadAllTextAsync(stopped.LogPath));
            Assert.False(File.Exists(Path.Combine(dir.Path, "replicas", "web-v1", $"{stopped.Index}.json")));
        }
    }

    [Fact]
    public async Task SetDesired_NewTemplateForSameSet_ReplacesReplicaAfterSuccessorIsReady()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("web", SampleApp.Template("v1"), 1);
        var first = Assert.Single((await SupervisorFixture.WaitReadyAsync(supervisor, "web", 1)).Replicas);

        supervisor.SetDesired("web", SampleApp.Template("v2"), 1);

        var during = supervisor.Observe("web");
        Assert.Equal("v2", during.Version);
        var replaced = await Poll.UntilAsync(
            () => supervisor.Observe("web"),
            s => s.ReadyCount == 1 && s.Replicas.Count == 1 && s.Replicas[0].Pid != first.Pid,
            "the v2 replica alone");
        using var response = await Http.Client.GetAsync(new Uri(replaced.Replicas[0].Url + "/"));
        Assert.Equal("v2", Assert.Single(response.Headers.GetValues("X-Sample-Version")));
        Assert.Null(UnixProcess.ReadStartTime(first.Pid!.Value));
    }

    [Fact]
    public async Task StopAllAsync_RunningReplicas_LeavesNoProcessBehind()
    {
        using var dir = new TempDirectory();
        var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("a", SampleApp.Template("v1"), 2);
        supervisor.SetDesired("b", SampleApp.Template("v2"), 1);
        await SupervisorFixture.WaitReadyAsync(supervisor, "a", 2);
        await SupervisorFixture.WaitReadyAsync(supervisor, "b", 1);
        var processes = new[] { "a", "b" }.SelectMany(k => supervisor.Observe(k).Replicas)
            .Select(r => (Pid: r.Pid!.Value, Start: UnixProcess.ReadStartTime(r.Pid!.Value)!.Value)).ToArray();

        await supervisor.StopAllAsync(CancellationToken.None);

        Assert.All(processes, p => Assert.True(SupervisorFixture.IsGone(p.Pid, p.Start), $"pid {p.Pid} still runs"));
        // reaped, not zombies
        await Poll.UntilAsync(() => processes.All(p => !Directory.Exists($"/proc/{p.Pid}")), "stopped replicas reaped");
        Assert.Empty(supervisor.SetKeys);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir.Path, "replicas"), "*.json", SearchOption.AllDirectories));
        await supervisor.DisposeAsync();
    }

    [Fact]
    public async Task Remove_DeclaredSet_StopsItsReplicasAndForgetsIt()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("gone", SampleApp.Template("v1"), 1);
        var replica = Assert.Single((await SupervisorFixture.WaitReadyAsync(supervisor, "gone", 1)).Replicas);
        var start = UnixProcess.ReadStartTime(replica.Pid!.Value)!.Value;

        supervisor.Remove("gone");

        await Poll.UntilAsync(() => !supervisor.SetKeys.Contains("gone"), "set 'gone' forgotten");
        Assert.True(SupervisorFixture.IsGone(replica.Pid.Value, start));
        Assert.Empty(supervisor.Observe("gone").Replicas);
    }

    private static string SessionId(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
    }
}
