using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class JumpUndoTests
{
    private const string Name = "jumps";

    [Fact]
    public async Task JumpAndUndo_BackForwardAndToRevisions_WeightsFollowAndUndoCancelsOrReleases()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(10, 30, 60);
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", steps));
        var v1 = (await f.WaitHealthyAsync(Name, "v1")).Status.StableRevision!.Value;

        // v2 straight to stable, so that v1 becomes an older revision.
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", steps));
        await f.WaitPausedAtAsync(Name, 0, 10);
        await f.CommandAsync(Name, CommandKind.PromoteFull);
        var v2 = (await f.WaitHealthyAsync(Name, "v2", seconds: 25)).Status.StableRevision!.Value;

        await f.ApplyAsync(SampleRollout.Spec(Name, "v3", steps));
        await f.WaitPausedAtAsync(Name, 0, 10);
        await f.CommandAsync(Name, CommandKind.Jump, 2);
        var atThree = await f.WaitPausedAtAsync(Name, 2, 60);
        var v3 = atThree.Status.CanaryRevision!.Value;
        Assert.Equal(60, atThree.Versions.Single(v => v.Revision == v3).Weight);

        await f.CommandAsync(Name, CommandKind.Jump, 0); // back: the canary's weight drops to step 1's
        var back = await f.WaitPausedAtAsync(Name, 0, 10);
        Assert.Equal(v3, back.Status.CanaryRevision);
        Assert.Equal(90, back.Versions.Single(v => v.Revision == v2).Weight);

        await f.CommandAsync(Name, CommandKind.Jump, 1); // forward again
        var forward = await f.WaitPausedAtAsync(Name, 1, 30);
        var v3Pids = LocalRolloutFixture.Pids(forward, v3);
        Assert.NotEmpty(v3Pids);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        Assert.Contains(await probe.BurstAsync(100), a => a.GatewayVersion == "v3");

        // Undo to the stable revision cancels the release: Healthy (not Aborted), v3 gone.
        await f.UndoAsync(Name, v2);
        var cancelled = await f.WaitHealthyAsync(Name, "v2");
        Assert.True(cancelled.Status.Cancelled, LocalRolloutFixture.Describe(cancelled));
        Assert.Equal(v2, cancelled.Status.StableRevision);
        await LocalRolloutFixture.WaitProcessesGoneAsync(v3Pids, "v3 after undo to stable");
        var answers = await probe.BurstAsync(100);
        TrafficProbe.AssertNoFailures(answers, "after the cancel");
        Assert.All(answers, a => Assert.Equal("v2", a.GatewayVersion));

        // Undo to an older revision releases that template again through the steps.
        await f.UndoAsync(Name, v1);
        var again = await f.WaitPausedAtAsync(Name, 0, 10);
        Assert.Equal(v1, again.Status.CanaryRevision);
        Assert.Equal(v2, again.Status.StableRevision);
        var canary = again.Versions.Single(v => v.Role == "canary");
        Assert.Equal("v1", canary.Version);
        Assert.True(canary.ReadyReplicas >= 1);
        Assert.Contains(await probe.BurstAsync(200), a => a.GatewayVersion == "v1");

        // Undo without a revision during a release goes back to what served before it, the stable revision (as
        // `kubectl rollout undo` does), which cancels the release; not to the newest other revision (v3).
        await f.UndoAsync(Name, null);
        var restored = await f.WaitHealthyAsync(Name, "v2");
        Assert.True(restored.Status.Cancelled, LocalRolloutFixture.Describe(restored));
        Assert.Equal(v2, restored.Status.StableRevision);
    }
}
