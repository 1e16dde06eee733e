using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class AbortTests
{
    /// <summary>Step 1 (10%) passes; step 2 (30%, 3 replicas, manual pause) is held in the given state.</summary>
    private static PlatformSim HeldAtSecondStep(StepState hold)
    {
        var spec = Canary(Traffic(10), Traffic(30, Manual), Traffic(60)) with { Analysis = SuccessAnalysis(stepPasses: 2) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.ReadyPerTick = r => r == 2 && hold == StepState.Upgrading && sim.Status?.StepIndex == 1 ? 0 : int.MaxValue;
        sim.RouterApplies = () => !(hold == StepState.RoutingTraffic && sim.Status?.StepIndex == 1);
        sim.Verdicts = w => hold == StepState.Analyzing && w.StepIndex == 1 ? null : Verdict.Pass;
        sim.RunUntilState(hold, 1);
        sim.Run(3);
        Assert.Equal(hold, sim.Status!.StepState);
        return sim;
    }

    [Theory]
    [InlineData("Upgrading", 10)]
    [InlineData("RoutingTraffic", 10)]
    [InlineData("Analyzing", 30)]
    [InlineData("Paused", 30)]
    public void Abort_InEachState_TrafficBackToStableBeforeCanaryScalesDown(string stateName, int appliedWeight)
    {
        var state = Enum.Parse<StepState>(stateName);
        var sim = HeldAtSecondStep(state);
        Assert.Equal(appliedWeight, sim.Applied!.CanaryWeight);
        var router = true;
        sim.RouterApplies = () => router;
        var from = sim.History.Count;

        sim.MustCommand(CommandKind.Abort);
        router = false;
        var aborting = sim.Run(5);
        Assert.Equal(StepState.Aborting, aborting.Status.StepState);
        Assert.Equal(RolloutPhase.Progressing, aborting.Status.Phase);
        Assert.Equal(0, aborting.Traffic.CanaryWeight);
        Assert.Empty(aborting.Traffic.Matches);
        Assert.True(aborting.Replicas[2] >= appliedWeight / 10, $"canary kept {aborting.Replicas[2]} replicas under {appliedWeight}% applied traffic");

        router = true;
        var aborted = sim.RunUntilState(StepState.Aborted, maxTicks: 5);

        Assert.False(aborted.Replicas.ContainsKey(2));
        Assert.Equal(10, aborted.Replicas[1]);
        Assert.Equal(RolloutPhase.Aborted, aborted.Status.Phase);
        Assert.Equal("aborted by a human", aborted.Status.AbortReason);
        Assert.Equal(2, aborted.Status.CanaryRevision); // kept for retry
        Assert.Contains("canaria retry", aborted.Status.Message);
        Assert.Contains(sim.Events, e => e.Reason == "Aborted" && e.Type == EventType.Warning);
        var after = sim.History.Skip(from).ToList();
        // Under a router that applies every decided split in order, the 30% decided before the abort can still go live.
        Assert.All(after.Where(h => h.Observation.AppliedTraffic?.CanaryWeight > 0),
            h => Assert.True(h.Decision.Replicas.GetValueOrDefault(2) >= h.Observation.AppliedTraffic!.CanaryWeight / 10));
        Assert.All(after, h => Assert.Equal(0, h.Decision.Traffic.CanaryWeight));
    }

    [Fact]
    public void Abort_SplitWentLiveBetweenReconciles_CanaryKeepsReplicasTheSplitNeeds()
    {
        var sim = HeldAtSecondStep(StepState.RoutingTraffic);
        Assert.Equal(30, sim.Status!.Traffic!.CanaryWeight);
        sim.Applied = sim.Status.Traffic; // the router applied 30% just now; the engine has not seen it yet

        sim.MustCommand(CommandKind.Abort);
        var aborting = sim.Tick();

        Assert.Equal(StepState.Aborting, aborting.Status.StepState);
        Assert.Equal(3, aborting.Replicas[2]);
    }

    [Fact]
    public void Abort_StableHasNoReadyReplica_TrafficStaysUntilStableIsReady()
    {
        var sim = HeldAtSecondStep(StepState.Paused);
        sim.ReadyCap[1] = 0;
        sim.Run(1);

        sim.MustCommand(CommandKind.Abort);
        var waiting = sim.Run(10);

        Assert.Equal(StepState.Aborting, waiting.Status.StepState);
        Assert.Equal(30, waiting.Traffic.CanaryWeight);
        Assert.Equal(30, sim.Applied!.CanaryWeight);
        Assert.Equal(3, waiting.Replicas[2]);
        Assert.Contains("waiting for a ready replica of stable revision 1", waiting.Status.Message);

        sim.ReadyCap[1] = 1; // one ready stable replica is enough: a small stable beats a bad canary
        var aborted = sim.RunUntilState(StepState.Aborted, maxTicks: 5);
        Assert.False(aborted.Replicas.ContainsKey(2));
    }

    [Fact]
    public void Abort_WhileHumanPaused_StillAborts()
    {
        var sim = HeldAtSecondStep(StepState.Paused);
        sim.MustCommand(CommandKind.Pause);

        sim.MustCommand(CommandKind.Abort);
        var aborted = sim.RunUntilState(StepState.Aborted, maxTicks: 5);

        Assert.False(aborted.Status.Paused);
        Assert.Equal(RolloutPhase.Aborted, aborted.Status.Phase);
    }

    [Fact]
    public void Abort_ThenRetry_ReleasesTheSameRevisionAgainFromStepOne()
    {
        var sim = HeldAtSecondStep(StepState.Paused);
        sim.MustCommand(CommandKind.Abort);
        sim.RunUntilState(StepState.Aborted, maxTicks: 5);
        sim.Run(3);
        Assert.False(sim.Last!.Replicas.ContainsKey(2));

        sim.MustCommand(CommandKind.Retry);
        Assert.Equal(0, sim.Status!.StepIndex);
        Assert.Null(sim.Status.AbortReason);
        Assert.All(sim.Status.Checks, c => Assert.Equal(0, c.Measurements));
        var retried = sim.Tick();
        Assert.Equal(1, retried.Replicas[2]);
        Assert.Equal(RolloutPhase.Progressing, retried.Status.Phase);

        sim.RunUntilState(StepState.Paused, 1);
        sim.MustCommand(CommandKind.Promote);
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 20);
        Assert.Equal(2, done.Status.StableRevision);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    public void Reconcile_FailedMeasurementsBeyondFailureLimit_Aborts(int failureLimit, int failuresToAbort)
    {
        var spec = Canary(Traffic(10), Traffic(30)) with { Analysis = SuccessAnalysis(stepPasses: 100, failureLimit: failureLimit) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.Verdicts = _ => Verdict.Fail;

        var aborting = sim.RunUntilState(StepState.Aborting);

        var fails = sim.History.Sum(h => h.Observation.Measurements.Count(m => m.Verdict == Verdict.Fail));
        Assert.Equal(failuresToAbort, fails);
        Assert.StartsWith("analysis check 'success' failed", aborting.Status.AbortReason);
        Assert.Equal(failuresToAbort, sim.Events.Count(e => e.Reason == "AnalysisFailed"));
        var aborted = sim.RunUntilState(StepState.Aborted, maxTicks: 5);
        Assert.Equal(RolloutPhase.Aborted, aborted.Status.Phase);
        Assert.Equal(0, sim.Applied!.CanaryWeight);
    }

    [Fact]
    public void Reconcile_FailureWhileHumanPaused_Aborts()
    {
        var spec = Canary(Traffic(10, Manual), Traffic(30)) with { Analysis = SuccessAnalysis(stepPasses: 1) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);
        sim.MustCommand(CommandKind.Pause);
        sim.Verdicts = _ => Verdict.Fail;

        var aborting = sim.RunUntilState(StepState.Aborting, maxTicks: 5);

        Assert.Contains("failed", aborting.Status.AbortReason);
    }

    [Fact]
    public void Reconcile_InconclusiveBeyondLimit_PausesForAHumanAndNeverPasses()
    {
        var spec = Canary(Traffic(10), Traffic(30)) with { Analysis = SuccessAnalysis(stepPasses: 1, inconclusiveLimit: 3) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.Verdicts = _ => Verdict.Inconclusive;

        var paused = sim.RunUntil(s => s.Paused, 50, "paused by inconclusive analysis");

        Assert.Equal(4, sim.History.Sum(h => h.Observation.Measurements.Count));
        Assert.Equal(StepState.Analyzing, paused.Status.StepState);
        Assert.Equal(RolloutPhase.Paused, paused.Status.Phase);
        Assert.Contains("inconclusive 4 times", paused.Status.PauseReason);
        Assert.Contains(sim.Events, e => e.Reason == "AnalysisInconclusive");
        var held = sim.Run(50);
        Assert.Equal(0, held.Status.StepIndex);
        Assert.Equal(StepState.Analyzing, held.Status.StepState);
        Assert.All(held.Status.Checks, c => Assert.Equal(0, c.StepPasses));

        sim.Verdicts = _ => Verdict.Pass;
        sim.MustCommand(CommandKind.Resume);
        Assert.All(sim.Status!.Checks, c => Assert.Equal(0, c.ConsecutiveInconclusive));
        var next = sim.RunUntil(s => s.StepIndex == 1, 5);
        Assert.False(next.Status.Paused);
    }

    [Fact]
    public void Reconcile_InconclusiveInterruptedByPass_DoesNotPause()
    {
        var spec = Canary(Traffic(10), Traffic(30)) with { Analysis = SuccessAnalysis(stepPasses: 100, inconclusiveLimit: 2) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        var n = 0;
        sim.Verdicts = _ => n++ % 3 == 2 ? Verdict.Pass : Verdict.Inconclusive;

        var d = sim.Run(60);

        Assert.False(d.Status.Paused);
        Assert.Equal(StepState.Analyzing, d.Status.StepState);
    }

    [Fact]
    public void Reconcile_MeasurementsOfAnotherRevisionOrStep_AreNotCountedAsPasses()
    {
        var spec = Canary(Traffic(10), Traffic(30)) with { Analysis = SuccessAnalysis(stepPasses: 1) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Analyzing, 0);
        var stale = new Measurement[]
        {
            new("success", Verdict.Pass, 1, "old revision", sim.Now, CanaryRevision: 9, StepIndex: 0),
            new("success", Verdict.Pass, 1, "other step", sim.Now, CanaryRevision: 2, StepIndex: 1),
            new("unknown-check", Verdict.Pass, 1, "not in spec", sim.Now, CanaryRevision: 2, StepIndex: 0),
        };

        var d = RolloutEngine.Reconcile(sim.Spec, sim.Status, sim.Observe() with { Measurements = stale }, sim.Now);

        Assert.Equal(StepState.Analyzing, d.Status.StepState);
        Assert.Equal(0, d.Status.Checks.Single().StepPasses);
    }
}
