using Canaria.Core.Engine;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class RevisionChangeTests
{
    private static PlatformSim AtSixtyPercent()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10), Traffic(30), Traffic(60, Manual), Traffic(100)));
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 2);
        Assert.Equal(60, sim.Applied!.CanaryWeight);
        return sim;
    }

    [Fact]
    public void Reconcile_NewRevisionMidRollout_RestartsAtStepOneAndScalesOldCanaryOnlyAfterTrafficLeft()
    {
        var sim = AtSixtyPercent();
        var router = false;
        sim.RouterApplies = () => router;

        sim.SpecRevision = 3;
        var restarted = sim.Tick();

        Assert.Equal(3, restarted.Status.CanaryRevision);
        Assert.Equal(0, restarted.Status.StepIndex);
        Assert.Equal(StepState.Upgrading, restarted.Status.StepState);
        Assert.True(restarted.Traffic.SameAs(TrafficTarget.AllStable(1) with { CanaryRevision = 3 }));
        Assert.Equal(6, restarted.Replicas[2]);
        Assert.Contains(sim.Events, e => e.Reason == "ReleaseStarted" && e.Message.Contains("replacing the unfinished release of revision 2"));

        var held = sim.Run(10);
        Assert.Equal(6, held.Replicas[2]); // the router still sends 60% to revision 2
        Assert.Equal(3, held.Traffic.CanaryRevision);
        Assert.Equal(StepState.RoutingTraffic, held.Status.StepState); // its step 1 waits for the router

        router = true;
        sim.Run(2);
        Assert.False(sim.Last!.Replicas.ContainsKey(2));
        Assert.Empty(sim.Last.Status.ScaleDowns);

        var done = sim.RunUntilState(StepState.Paused, 2);
        sim.MustCommand(CommandKind.Promote);
        done = sim.RunUntilState(StepState.Completed, maxTicks: 20);
        Assert.Equal(3, done.Status.StableRevision);
        Assert.All(sim.History.Where(h => h.Observation.AppliedTraffic is { CanaryRevision: 2, CanaryWeight: 60 }),
            h => Assert.True(h.Decision.Replicas.GetValueOrDefault(2) >= 6));
    }

    [Fact]
    public void Reconcile_NewRevisionMidRollout_AnalysisTalliesStartFresh()
    {
        var spec = Canary(Traffic(10, Manual)) with { Analysis = SuccessAnalysis(stepPasses: 1) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);
        Assert.True(sim.Status!.Checks.Single().Measurements > 0);

        sim.SpecRevision = 3;
        var d = sim.Tick();

        Assert.Equal(0, d.Status.Checks.Single().Measurements);
        Assert.Null(d.Analysis);
    }

    [Fact]
    public void Reconcile_SpecRevertedToStable_CancelsToHealthyNotAborted()
    {
        var sim = AtSixtyPercent();
        var router = false;
        sim.RouterApplies = () => router;

        sim.SpecRevision = 1;
        var cancelling = sim.Run(5);

        Assert.Equal(StepState.Aborting, cancelling.Status.StepState);
        Assert.True(cancelling.Status.Cancelled);
        Assert.Equal(6, cancelling.Replicas[2]);
        Assert.Equal(0, cancelling.Traffic.CanaryWeight);

        router = true;
        var cancelled = sim.RunUntilState(StepState.Aborted, maxTicks: 5);
        Assert.Equal(RolloutPhase.Healthy, cancelled.Status.Phase);
        Assert.Null(cancelled.Status.CanaryRevision);
        Assert.False(cancelled.Replicas.ContainsKey(2));
        Assert.Contains(sim.Events, e => e.Reason == "Cancelled");
        Assert.DoesNotContain(sim.Events, e => e.Reason == "Aborted");
        Assert.False(sim.Command(CommandKind.Retry).Ok);
        Assert.Equal(RolloutPhase.Healthy, sim.Run(5).Status.Phase);
    }

    [Fact]
    public void Reconcile_SpecRevertedAfterAbort_ForgetsTheAbortedRelease()
    {
        var sim = AtSixtyPercent();
        sim.MustCommand(CommandKind.Abort);
        sim.RunUntilState(StepState.Aborted, maxTicks: 5);

        sim.SpecRevision = 1;
        var d = sim.Tick();

        Assert.Equal(StepState.Completed, d.Status.StepState);
        Assert.Null(d.Status.CanaryRevision);
        Assert.Equal(RolloutPhase.Healthy, d.Status.Phase);
        Assert.Contains(sim.Events, e => e.Reason == "ReleaseDropped");
    }

    [Fact]
    public void Reconcile_NewRevisionAfterAbort_StartsANewRelease()
    {
        var sim = AtSixtyPercent();
        sim.MustCommand(CommandKind.Abort);
        sim.RunUntilState(StepState.Aborted, maxTicks: 5);

        sim.SpecRevision = 3;
        var d = sim.Tick();

        Assert.Equal(3, d.Status.CanaryRevision);
        Assert.Equal(StepState.Upgrading, d.Status.StepState);
        Assert.Null(d.Status.AbortReason);
        Assert.False(d.Replicas.ContainsKey(2));
        Assert.Equal(RolloutPhase.Progressing, d.Status.Phase);
    }

    [Fact]
    public void Reconcile_NewRevisionAfterCompletion_StartsReleaseAgainstNewStable()
    {
        var sim = PlatformSim.Deployed(Canary());
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Completed, maxTicks: 50);

        sim.SpecRevision = 3;
        var d = sim.Tick();

        Assert.Equal(2, d.Status.StableRevision);
        Assert.Equal(3, d.Status.CanaryRevision);
        Assert.Equal(10, d.Replicas[1]); // the previous stable still waits out its scale-down delay
    }
}
