using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Gateway.Metrics;
using Canaria.Local.Controller;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// Issue 10, item 5: a client sending malformed chunked bodies next to normal traffic cannot fail a good canary
/// under a success-rate check, while the same check still aborts a canary that really fails.
/// </summary>
[Collection(LocalControllerCollection.Name)]
public sealed class ClientErrorRolloutTests
{
    private const int Malformed = 200;

    private const string Analysis = """
          analysis:
            interval: 2s
            minRequests: 10
            failureLimit: 0
            inconclusiveLimit: 10
            checks:
              - name: success-rate
                metric: successRate
                min: 0.9
        """;

    private const string Steps = "    canary:\n      steps:\n        - traffic: 50\n          pause: {duration: 10s}";

    [Fact]
    public async Task Analysis_GoodCanaryGets200MalformedChunkedRequests_NotAbortedAndPromoted()
    {
        const string name = "clienterr-good";
        await using var f = await LocalRolloutFixture.StartAsync();
        var (answers, final) = await ReleaseUnderMalformedTrafficAsync(f, name, canaryErrorRate: 0);

        Assert.True(final.Status.Phase == RolloutPhase.Healthy, $"the good canary did not complete: {LocalRolloutFixture.Describe(final)}\n{string.Join("\n", f.Events)}");
        Assert.Equal("v2", final.Versions.Single().Version);
        TrafficProbe.AssertNoFailures(answers, "of the normal traffic");

        // The malformed requests did reach the canary and are shown, by `canaria stat`, as its client errors only.
        var totals = await f.Host.Controller.Gateway.Client.TotalsAsync(CancellationToken.None);
        Assert.NotNull(totals);
        var canary = totals.Versions.Single(r => r.Service == name && r.Version == "v2");
        var stable = totals.Versions.Single(r => r.Service == name && r.Version == "v1");
        var canaryBad = canary.ClientErrors[(int)ClientErrorKind.BadRequestBody];
        Assert.True(canaryBad > 0, "no malformed request reached the canary");
        Assert.Equal(0, canary.Classes[5]);
        Assert.Equal(Malformed, canaryBad + stable.ClientErrors[(int)ClientErrorKind.BadRequestBody]);

        var json = await RunStatAsync(f, name, "-o", "json");
        var v2 = JsonNode.Parse(json)!["versions"]!.AsArray().Single(v => v!["version"]!.GetValue<string>() == "v2")!;
        Assert.Equal(canaryBad, v2["clientErrors"]!.GetValue<long>());
        Assert.Equal(0, v2["failures"]!.GetValue<long>());
        var table = await RunStatAsync(f, name);
        Assert.Contains("CLIENT_ERRORS", table);
        Assert.Matches($@"v2\s.*\s{canaryBad}\s*\n", table);
    }

    [Fact]
    public async Task Analysis_BadCanaryGetsTheSameMalformedRequests_StillAbortedBySuccessRate()
    {
        const string name = "clienterr-bad";
        await using var f = await LocalRolloutFixture.StartAsync();
        var (_, final) = await ReleaseUnderMalformedTrafficAsync(f, name, canaryErrorRate: 0.5);

        Assert.True(final.Status.Phase == RolloutPhase.Aborted, $"the failing canary was not aborted: {LocalRolloutFixture.Describe(final)}");
        Assert.Contains("success-rate", final.Status.AbortReason ?? "", StringComparison.Ordinal);
    }

    /// <summary>
    /// Releases v2 at 50% with ~60 normal GETs/s, sends <see cref="Malformed"/> malformed chunked POSTs over raw
    /// sockets while the step is live, and returns the normal answers and the view once the release ended.
    /// </summary>
    private static async Task<(IReadOnlyList<Answer> Answers, RolloutView Final)> ReleaseUnderMalformedTrafficAsync(
        LocalRolloutFixture f, string name, double canaryErrorRate)
    {
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", Steps, extra: Analysis));
        await f.WaitHealthyAsync(name, "v1");
        var address = f.Host.ServiceAddress(name)!;
        await using var probe = new TrafficProbe(address);
        probe.StartLoad(60);

        await f.ApplyAsync(SampleRollout.Spec(name, "v2", Steps, errorRate: canaryErrorRate, extra: Analysis));
        await f.WaitForAsync(name, v => v.AppliedTraffic?.CanaryWeight == 50, "50% on the canary");
        var malformed = SendMalformedAsync(address, f, name);

        var final = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted
            || (v.Status.Phase == RolloutPhase.Healthy && v.Versions.Count == 1 && v.Versions[0].Version == "v2"),
            "the release to end (completed or aborted)", seconds: 60);
        await malformed;
        return (await probe.StopLoadAsync(), final);
    }

    /// <summary>~50 malformed requests a second, each on its own connection; every one must get the gateway's own 400.</summary>
    private static async Task SendMalformedAsync(Uri address, LocalRolloutFixture f, string name)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < Malformed; i++)
        {
            if (f.View(name).Status.Phase == RolloutPhase.Aborted)
            {
                return; // the bad canary is gone; the test asserts why
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /echo HTTP/1.1\r\nHost: {address.Authority}\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n"));
            var response = await ReadToEndAsync(stream);
            Assert.StartsWith("HTTP/1.1 400", response);
            Assert.DoesNotContain("127.0.0.1", response[response.IndexOf("\r\n\r\n", StringComparison.Ordinal)..]);
            await pace.WaitForNextTickAsync();
        }
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    internal static async Task<string> RunStatAsync(LocalRolloutFixture f, string name, params string[] extra)
    {
        var owned = new List<Process>();
        var process = CliProcess.Start(owned, ["stat", name, "--window", "1m", "--state-dir", f.StateDir, .. extra]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        var output = CliProcess.Output(process);
        Assert.True(process.ExitCode == 0, $"canaria stat exited with {process.ExitCode}: {output}");
        process.Dispose();
        return output;
    }
}
