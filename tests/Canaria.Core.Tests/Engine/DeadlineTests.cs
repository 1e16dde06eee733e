using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class DeadlineTests
{
    private static PlatformSim Stuck(StepState state)
    {
        var spec = Canary(Traffic(10), Traffic(30)) with
        {
            Analysis = SuccessAnalysis(stepPasses: 1),
            ProgressDeadline = TimeSpan.FromMinutes(2),
        };
        var sim = PlatformSim.Deployed(spec);
        sim.TickLength = TimeSpan.FromSeconds(5);
        sim.SpecRevision = 2;
        if (state == StepState.Upgrading) sim.ReadyCap[2] = 0;
        if (state == StepState.RoutingTraffic) sim.RouterApplies = () => sim.Status?.CanaryRevision is null || sim.Status.Traffic?.CanaryWeight == 0;
        if (state == StepState.Analyzing) sim.Verdicts = _ => null;
        return sim;
    }

    [Theory]
    [InlineData("Upgrading", "canary has 0/1 ready replicas")]
    [InlineData("RoutingTraffic", "the router did not confirm the traffic split")]
    [InlineData("Analyzing", "analysis did not pass")]
    public void Reconcile_StepPastProgressDeadline_AbortsNamingWhatItWaitedFor(string stateName, string waitedFor)
    {
        var state = Enum.Parse<StepState>(stateName);
        var sim = Stuck(state);

        var aborting = sim.RunUntil(s => s.AbortReason is not null, 100, "aborted");

        var started = sim.History.First(h => h.Decision.Status.CanaryRevision == 2).At;
        var abortedAt = sim.History[^1].At;
        Assert.True(abortedAt - started > TimeSpan.FromMinutes(2));
        Assert.True(abortedAt - started <= TimeSpan.FromMinutes(2) + sim.TickLength);
        Assert.Equal(state, sim.History[^2].Decision.Status.StepState);
        Assert.Equal($"step 1/2 did not finish within the progress deadline of 2m: {waitedFor}", aborting.Status.AbortReason);
        Assert.Equal(0, aborting.Traffic.CanaryWeight);
    }

    [Fact]
    public void Reconcile_HumanPauseDuringStep_PausedTimeDoesNotCountTowardsDeadline()
    {
        var sim = Stuck(StepState.Upgrading);
        sim.Run(6); // 30 s into the step
        sim.MustCommand(CommandKind.Pause);
        var held = sim.Run(120); // 10 minutes paused

        Assert.Equal(StepState.Upgrading, held.Status.StepState);
        Assert.Equal(RolloutPhase.Paused, held.Status.Phase);

        sim.MustCommand(CommandKind.Resume);
        var resumedAt = sim.Now;
        var aborting = sim.RunUntil(s => s.AbortReason is not null, 100, "aborted");

        var left = sim.History[^1].At - resumedAt;
        Assert.True(left > TimeSpan.FromSeconds(80) && left <= TimeSpan.FromSeconds(100), $"aborted {left} after resume");
        Assert.Contains("progress deadline", aborting.Status.AbortReason);
    }

    [Fact]
    public void Reconcile_InconclusivePauseThenResume_PauseTimeDoesNotCount()
    {
        var sim = Stuck(StepState.Analyzing);
        sim.Verdicts = _ => Verdict.Inconclusive;
        sim.RunUntil(s => s.Paused, 20);
        sim.Run(200);
        Assert.Equal(StepState.Analyzing, sim.Status!.StepState);

        sim.MustCommand(CommandKind.Resume);
        var d = sim.Tick();

        Assert.Equal(StepState.Analyzing, d.Status.StepState);
    }

    [Fact]
    public void Reconcile_ManualPauseStepLongerThanDeadline_DoesNotAbort()
    {
        var spec = Canary(Traffic(10, Manual), Traffic(30)) with { ProgressDeadline = TimeSpan.FromMinutes(1) };
        var sim = PlatformSim.Deployed(spec);
        sim.TickLength = TimeSpan.FromSeconds(10);
        sim.SpecRevision = 2;

        var d = sim.Run(360);

        Assert.Equal(StepState.Paused, d.Status.StepState);
        Assert.Null(d.Status.AbortReason);
    }

    [Fact]
    public void Reconcile_EachStepWithinDeadline_DeadlineRestartsPerStep()
    {
        var spec = Canary(Traffic(10), Traffic(30), Traffic(60)) with
        {
            Analysis = SuccessAnalysis(stepPasses: 8),
            ProgressDeadline = TimeSpan.FromSeconds(60),
        };
        var sim = PlatformSim.Deployed(spec);
        sim.TickLength = TimeSpan.FromSeconds(5); // each step takes ~50 s; the whole release far longer than 60 s

        sim.SpecRevision = 2;
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 100);

        Assert.Equal(2, done.Status.StableRevision);
        Assert.True(sim.History[^1].At - sim.History.First(h => h.Decision.Status.CanaryRevision == 2).At > TimeSpan.FromSeconds(120));
    }
}
