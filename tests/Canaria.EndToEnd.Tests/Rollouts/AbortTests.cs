using System.Diagnostics;
using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class AbortTests
{
    [Fact]
    public async Task Abort_UnderLoadAtHalfCanary_LosesNoRequestAndStableServesEverything()
    {
        const string name = "abort";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(50);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        var paused = await f.WaitPausedAtAsync(name, 0, 50);
        var canaryPids = LocalRolloutFixture.Pids(paused, paused.Status.CanaryRevision!.Value);
        Assert.NotEmpty(canaryPids);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
        probe.StartLoad(150);
        await WaitForAnswersAsync(probe, 150);
        Assert.Contains(probe.LoadSoFar, a => a.GatewayVersion == "v2");

        await f.CommandAsync(name, CommandKind.Abort);
        var aborted = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted, "phase Aborted");
        var abortedAt = probe.Now;
        Assert.Equal(0, aborted.AppliedTraffic?.CanaryWeight ?? 0);
        await LocalRolloutFixture.WaitProcessesGoneAsync(canaryPids, "canary after abort");
        await WaitForAnswersAsync(probe, probe.LoadSoFar.Count + 150); // keep the load a moment after Aborted
        var answers = await probe.StopLoadAsync();

        TrafficProbe.AssertNoFailures(answers, "across the abort");
        Assert.True(answers.Count >= 300, $"only {answers.Count} answers");
        var afterAbort = answers.Where(a => a.SentAt > abortedAt).ToList();
        Assert.True(afterAbort.Count >= 100, $"only {afterAbort.Count} answers after Aborted");
        Assert.All(afterAbort, a => Assert.Equal("v1", a.GatewayVersion));
        Assert.All(afterAbort, a => Assert.Equal("v1", a.AppBodyVersion));
        Assert.Equal("v1", f.View(name).Versions.Single().Version);
    }

    [Fact]
    public async Task Analysis_CanaryFailsHalfItsRequests_AbortedByTheCheckAndStableServesEverything()
    {
        const string name = "bad";
        const string analysis = """
              analysis:
                interval: 1s
                minRequests: 10
                failureLimit: 0
                checks:
                  - name: success-rate
                    metric: successRate
                    min: 0.95
            """;
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = "    canary:\n      steps:\n        - traffic: 50\n          pause: {duration: 60s}";
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps, extra: analysis));
        await f.WaitHealthyAsync(name, "v1");

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
        probe.StartLoad(100);
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps, errorRate: 0.5, extra: analysis));
        var exposed = await f.WaitForAsync(name, v => v.AppliedTraffic?.CanaryWeight == 50, "50% on the bad canary");
        var canaryPids = LocalRolloutFixture.Pids(exposed, exposed.Status.CanaryRevision!.Value);

        var aborted = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted, "analysis to abort the canary", seconds: 20);
        var abortedAt = probe.Now;
        Assert.Contains("success-rate", aborted.Status.AbortReason ?? "", StringComparison.Ordinal);
        Assert.False(aborted.Status.Cancelled);
        await LocalRolloutFixture.WaitProcessesGoneAsync(canaryPids, "bad canary after abort");
        await WaitForAnswersAsync(probe, probe.LoadSoFar.Count + 100);
        var answers = await probe.StopLoadAsync();

        Assert.Contains(answers, a => a.GatewayVersion == "v2" && a.Status == 500); // the canary really was bad
        var afterAbort = answers.Where(a => a.SentAt > abortedAt).ToList();
        TrafficProbe.AssertNoFailures(afterAbort, "after the abort");
        Assert.All(afterAbort, a => Assert.Equal("v1", a.GatewayVersion));
        Assert.All(answers.Where(a => a.GatewayVersion == "v1"), a => Assert.Equal(200, a.Status));
    }

    private static async Task WaitForAnswersAsync(TrafficProbe probe, int count)
    {
        var clock = Stopwatch.StartNew();
        while (probe.LoadSoFar.Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the load got only {probe.LoadSoFar.Count} of {count} answers in 15 s");
            await Task.Delay(20);
        }
    }
}
