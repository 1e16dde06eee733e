using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class BlueGreenTests
{
    private const string Name = "bluegreen";

    [Fact]
    public async Task BlueGreen_DefaultStepsPromotedUnderLoad_SwitchesWithZeroFailedRequests()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        const string strategy = "    blueGreen: {}";
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", strategy));
        var first = await f.WaitHealthyAsync(Name, "v1");
        var v1 = first.Status.StableRevision!.Value;
        var v1Pids = LocalRolloutFixture.Pids(first, v1);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        probe.StartLoad(120);
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", strategy));

        // v2 at full size, ready, but with no traffic: waiting for promote.
        var preview = await f.WaitForAsync(Name, v => v.Status.Phase == RolloutPhase.Paused
            && v.Versions.Any(x => x.Role == "canary" && x.ReadyReplicas == 2), "v2 ready at full size and paused");
        Assert.Equal(0, preview.AppliedTraffic?.CanaryWeight);
        Assert.Equal(2, preview.Versions.Single(x => x.Role == "stable").ReadyReplicas);
        var whileReady = await probe.BurstAsync(200);
        TrafficProbe.AssertNoFailures(whileReady, "while v2 waits");
        Assert.All(whileReady, a => Assert.Equal("v1", a.GatewayVersion));

        await f.CommandAsync(Name, CommandKind.Promote);
        await f.WaitForAsync(Name, v => v.AppliedTraffic is { } t && !t.Routes(v1), "the gateway to switch to v2");
        var switchedAt = probe.Now;
        await f.AssertScaledDownAfterDelayAsync(Name, v1, v1Pids, TimeSpan.FromSeconds(1));
        var switched = await f.WaitHealthyAsync(Name, "v2", seconds: 25);
        Assert.NotEqual(v1, switched.Status.StableRevision);
        var afterSwitch = await probe.BurstAsync(100);
        var answers = await probe.StopLoadAsync();

        TrafficProbe.AssertNoFailures(answers, "across the blue-green switch");
        Assert.Contains(answers, a => a.GatewayVersion == "v1");
        Assert.Contains(answers, a => a.GatewayVersion == "v2");
        Assert.All(answers.Where(a => a.SentAt > switchedAt), a => Assert.Equal("v2", a.GatewayVersion));
        TrafficProbe.AssertNoFailures(afterSwitch, "after the switch");
        Assert.All(afterSwitch, a => Assert.Equal("v2", a.AppBodyVersion));
    }
}
