using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class CanarySplitTests
{
    private const string Name = "split";

    [Fact]
    public async Task CanarySteps_MeasuredAtSampleApp_SplitFollowsStepsAndPromotionReplacesStable()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(20, 50);
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", steps));
        var first = await f.WaitHealthyAsync(Name, "v1");
        var v1Revision = first.Versions[0].Revision;
        var v1Pids = LocalRolloutFixture.Pids(first, v1Revision);
        Assert.Equal(2, v1Pids.Count);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name) ?? throw new InvalidOperationException("no listener for " + Name));
        Assert.Equal(1.0, TrafficProbe.Share(await probe.BurstAsync(50), "v1"));

        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", steps));
        foreach (var (stepIndex, weight) in new[] { (0, 20), (1, 50) })
        {
            var view = await f.WaitPausedAtAsync(Name, stepIndex, weight);
            Assert.Equal(2, view.Versions.Single(v => v.Role == "stable").ReadyReplicas);
            Assert.True(view.Versions.Single(v => v.Role == "canary").ReadyReplicas >= 1, LocalRolloutFixture.Describe(view));

            var answers = await probe.BurstAsync(1000);
            TrafficProbe.AssertNoFailures(answers, $"at {weight}%");
            // The gateway's header, the app's own header and the app's JSON body must name the same version.
            foreach (var a in answers)
            {
                Assert.Equal(a.GatewayVersion, a.AppHeaderVersion);
                Assert.Equal(a.GatewayVersion, a.AppBodyVersion);
            }
            var byApp = answers.Count(a => a.AppBodyVersion == "v2") / (double)answers.Count;
            var byGateway = TrafficProbe.Share(answers, "v2");
            Assert.True(Math.Abs(byApp * 100 - weight) <= 5, $"step {stepIndex + 1}: the app saw {byApp:P1} canary, expected {weight}% ±5 ({TrafficProbe.Summary(answers)})");
            Assert.True(Math.Abs(byGateway * 100 - weight) <= 5, $"step {stepIndex + 1}: the gateway header says {byGateway:P1} canary, expected {weight}% ±5");
            Assert.Equal(answers.Count, answers.Count(a => a.GatewayVersion is "v1" or "v2"));

            await f.CommandAsync(Name, CommandKind.Promote);
        }

        await f.AssertScaledDownAfterDelayAsync(Name, v1Revision, v1Pids, TimeSpan.FromSeconds(1));
        var done = await f.WaitHealthyAsync(Name, "v2", seconds: 25);
        Assert.NotEqual(v1Revision, done.Status.StableRevision);
        Assert.Equal(2, done.Versions[0].ReadyReplicas);

        var after = await probe.BurstAsync(100);
        TrafficProbe.AssertNoFailures(after, "after promotion");
        Assert.All(after, a => Assert.Equal("v2", a.AppBodyVersion));
    }
}
