using Canaria.Core.Engine;
using Canaria.Core.Model;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

/// <summary>spec.rollbackWindow: going back to a recent stable revision switches at once (full size first), anything else runs the steps.</summary>
public class RollbackWindowTests
{
    private static RolloutSpec Spec(int? window) =>
        Canary(Traffic(10, Manual), Traffic(50, Manual)) with { RollbackWindow = window is { } n ? new RollbackWindowSpec { Revisions = n } : null };

    /// <summary>Revision 1, then 2 and 3 each promoted to stable: revision 3 is stable, 2 and 1 were (in that order).</summary>
    private static PlatformSim ThreeReleases(int? window)
    {
        var sim = PlatformSim.Deployed(Spec(window));
        foreach (var revision in new[] { 2, 3 })
        {
            sim.SpecRevision = revision;
            sim.RunUntilState(StepState.Paused, 0);
            sim.MustCommand(CommandKind.PromoteFull);
            sim.RunUntil(s => s.StableRevision == revision && s.StepState == StepState.Completed, what: $"revision {revision} stable");
        }
        Assert.Equal([2, 1], sim.Status!.PreviousStables);
        return sim;
    }

    [Fact]
    public void Reconcile_BackToPreviousStableWithinWindow_FullSizeFirstThenAllTrafficAtOnce()
    {
        var sim = ThreeReleases(window: 2);
        sim.ReadyPerTick = _ => 3; // revision 1 comes up over several ticks

        sim.SpecRevision = 1;
        var started = sim.Tick();

        Assert.Equal(StepPlan.Count(sim.Spec), started.Status.StepIndex);
        Assert.Contains(sim.Events, e => e.Reason == "RollbackStarted" && e.Message.Contains("was stable 2 release(s) ago"));
        var done = sim.RunUntil(s => s.StableRevision == 1 && s.StepState == StepState.Completed, maxTicks: 20, what: "revision 1 stable again");
        Assert.Equal(1, done.Status.StableRevision);
        Assert.Equal([3, 2], done.Status.PreviousStables);
        // Never a split between 1 and 3, and no traffic to revision 1 before all its replicas were ready.
        Assert.DoesNotContain(sim.History, h => h.Decision.Traffic is { CanaryRevision: 1, CanaryWeight: > 0 and < 100 });
        Assert.All(sim.History.Where(h => h.Decision.Traffic is { CanaryRevision: 1, CanaryWeight: 100 }),
            h => Assert.True(h.Observation.Ready(1) >= 10, $"revision 1 got all traffic with {h.Observation.Ready(1)}/10 ready"));
        Assert.DoesNotContain(sim.History, h => h.Decision.Status.StepState is StepState.Paused or StepState.Analyzing && h.Decision.Status.CanaryRevision == 1);
    }

    [Fact]
    public void Reconcile_BackToARevisionOutsideTheWindow_RunsEveryStep()
    {
        var sim = ThreeReleases(window: 1);

        sim.SpecRevision = 1; // stable two releases ago; the window covers one
        var started = sim.Tick();

        Assert.Equal(0, started.Status.StepIndex);
        Assert.Contains(sim.Events, e => e.Reason == "ReleaseStarted" && e.Message.Contains("revision 1 is released from step 1/2"));
        sim.RunUntilState(StepState.Paused, 0);
    }

    [Fact]
    public void Reconcile_NoWindow_PreviousStableRunsEveryStep()
    {
        var sim = ThreeReleases(window: null);

        sim.SpecRevision = 2;
        Assert.Equal(0, sim.Tick().Status.StepIndex);
        sim.RunUntilState(StepState.Paused, 0);
    }

    [Fact]
    public void Reconcile_NewRevisionWithWindow_RunsEveryStep()
    {
        var sim = ThreeReleases(window: 10);

        sim.SpecRevision = 4; // never stable: no shortcut
        Assert.Equal(0, sim.Tick().Status.StepIndex);
        sim.RunUntilState(StepState.Paused, 0);
    }

    [Fact]
    public void Reconcile_RollbackWhileACanaryRuns_CanaryTrafficLeavesAndOldStableTakesOverAtFullSize()
    {
        var sim = ThreeReleases(window: 3);
        sim.SpecRevision = 4;
        sim.RunUntilState(StepState.Paused, 0);
        sim.MustCommand(CommandKind.Promote);
        sim.RunUntilState(StepState.Paused, 1);
        Assert.Equal(50, sim.Applied!.CanaryWeight);

        sim.SpecRevision = 2;
        var done = sim.RunUntil(s => s.StableRevision == 2 && s.StepState == StepState.Completed, maxTicks: 20, what: "revision 2 stable");

        Assert.Equal([3, 1], done.Status.PreviousStables);
        Assert.False(done.Replicas.ContainsKey(4) && sim.Applied!.Routes(4));
        Assert.Equal(TrafficTarget.AllStable(2), sim.Applied);
    }
}
