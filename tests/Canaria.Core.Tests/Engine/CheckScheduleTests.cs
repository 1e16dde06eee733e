using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class CheckScheduleTests
{
    private static readonly CheckSpec Background = new() { Name = "errors", Compare = new CompareSpec() };
    private static readonly CheckSpec AtStep2 = new() { Name = "latency", Compare = new CompareSpec { Method = CompareMethod.MannWhitney }, Steps = [1] };

    private static PlatformSim Released(AnalysisSpec analysis)
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10), Traffic(30), Traffic(60)) with { Analysis = analysis });
        sim.SpecRevision = 2;
        return sim;
    }

    [Fact]
    public void Reconcile_StepTiedCheck_OnlyHoldsItsOwnStep()
    {
        var sim = Released(new AnalysisSpec { Checks = [Background, AtStep2] });
        sim.CheckVerdicts = (w, c) => c.RunsAt(w.StepIndex) ? (c == AtStep2 ? Verdict.Pending : Verdict.Pass) : null;

        var d = sim.RunUntil(s => s.StepIndex == 1 && s.StepState == StepState.Analyzing, 30, "step 2 analyzing");
        var held = sim.Run(20);

        Assert.Equal(1, held.Status.StepIndex); // step 1 passed without the step-2 check; step 2 waits for it
        Assert.Equal(StepState.Analyzing, held.Status.StepState);
        Assert.False(held.Status.Paused); // pending is not inconclusive
        Assert.Equal(0, held.Status.Checks.Single(c => c.Name == "latency").ConsecutiveInconclusive);
        Assert.NotNull(d);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(2, 3)]
    public void Reconcile_PerCheckFailureLimit_OverridesTheAnalysisLimit(int? checkLimit, int failuresToAbort)
    {
        var sim = Released(new AnalysisSpec { FailureLimit = 0, StepPasses = 100, Checks = [Background with { FailureLimit = checkLimit }] });
        sim.Verdicts = _ => Verdict.Fail;

        sim.RunUntilState(StepState.Aborting);

        Assert.Equal(failuresToAbort, sim.Events.Count(e => e.Reason == "AnalysisFailed"));
    }

    [Fact]
    public void Reconcile_SourceErrorsBeyondLimit_PauseForAHumanAndNeverPass()
    {
        var sim = Released(new AnalysisSpec { ConsecutiveErrorLimit = 2, Checks = [new CheckSpec { Name = "prom", Provider = MetricProvider.Prometheus, Max = 1 }] });
        sim.Verdicts = _ => Verdict.Error;

        var paused = sim.RunUntil(s => s.Paused, 30, "paused by source errors");

        Assert.Contains("could not be measured 3 times in a row", paused.Status.PauseReason);
        Assert.Equal(0, paused.Status.StepIndex);
        Assert.Contains(sim.Events, e => e.Reason == "AnalysisError");
        sim.MustCommand(CommandKind.Resume);
        Assert.All(sim.Status!.Checks, c => Assert.Equal(0, c.ConsecutiveErrors));
    }

    [Fact]
    public void Reconcile_PendingMeasurements_NeitherPassNorPause()
    {
        var sim = Released(new AnalysisSpec { InconclusiveLimit = 0, Checks = [Background] });
        sim.Verdicts = _ => Verdict.Pending;

        var d = sim.Run(40);

        Assert.Equal((0, StepState.Analyzing, false), (d.Status.StepIndex, d.Status.StepState, d.Status.Paused));
        Assert.All(d.Status.Checks, c => Assert.Equal(0, c.StepPasses));
    }
}
