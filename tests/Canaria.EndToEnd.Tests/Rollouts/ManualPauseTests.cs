using System.Diagnostics;
using Canaria.Core.Engine;
using Canaria.Local.Controller;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class ManualPauseTests
{
    private const string Name = "hold";

    [Fact]
    public async Task ManualPause_SeveralTicksPass_StaysUntilPromote()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        var paused = await ReleaseToFirstPauseAsync(f);

        // Proving that something does NOT happen needs a bounded observation: for ~2 s (about 20 reconcile
        // ticks at 100 ms) every published view must still show the same held step. We count distinct
        // published views to make sure the loop really ticked during the observation.
        var ticks = new HashSet<RolloutView>(ReferenceEqualityComparer.Instance);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            var v = f.View(Name);
            ticks.Add(v);
            Assert.Equal(RolloutPhase.Paused, v.Status.Phase);
            Assert.Equal(0, v.Status.StepIndex);
            Assert.Equal(StepState.Paused, v.Status.StepState);
            Assert.Equal(paused.Status.StateSince, v.Status.StateSince);
            Assert.Equal(20, v.AppliedTraffic?.CanaryWeight);
            await Task.Delay(20);
        }
        Assert.True(ticks.Count >= 5, $"only {ticks.Count} views were published in 2 s: the loop did not tick");

        await f.CommandAsync(Name, CommandKind.Promote);
        var next = await f.WaitPausedAtAsync(Name, 1, 60);
        Assert.Equal(paused.Status.CanaryRevision, next.Status.CanaryRevision);
    }

    [Fact]
    public async Task Resume_AtAStepsManualPause_ContinuesToTheNextStep()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        var paused = await ReleaseToFirstPauseAsync(f);
        Assert.False(paused.Status.Paused); // the step's own pause, not a human's hold: PHASE says Paused all the same

        await f.CommandAsync(Name, CommandKind.Resume);

        var next = await f.WaitPausedAtAsync(Name, 1, 60);
        Assert.Equal(paused.Status.CanaryRevision, next.Status.CanaryRevision);
    }

    /// <summary>v1 stable, then v2 released to the first of two manual pauses (20% then 60%).</summary>
    private static async Task<RolloutView> ReleaseToFirstPauseAsync(LocalRolloutFixture f)
    {
        var steps = SampleRollout.ManualCanarySteps(20, 60);
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", steps));
        await f.WaitHealthyAsync(Name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", steps));
        return await f.WaitPausedAtAsync(Name, 0, 20);
    }
}
