using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class RolloutFlowTests
{
    [Fact]
    public void Reconcile_FirstDeployWithoutStatus_SpecRevisionBecomesStableDirectly()
    {
        var sim = new PlatformSim(Canary(), specRevision: 7);

        var first = sim.Tick();

        Assert.Equal(7, first.Status.StableRevision);
        Assert.Null(first.Status.CanaryRevision);
        Assert.Equal(StepState.Completed, first.Status.StepState);
        Assert.Equal(new Dictionary<int, int> { [7] = 10 }, first.Replicas);
        Assert.True(first.Traffic.SameAs(TrafficTarget.AllStable(7)));
        Assert.Equal(RolloutPhase.Progressing, first.Status.Phase); // no replica is ready yet
        Assert.Contains(first.Events, e => e.Reason == "Deploying");

        var second = sim.Tick();
        Assert.Equal(RolloutPhase.Healthy, second.Status.Phase);
    }

    [Fact]
    public void Reconcile_CanaryTenThirtySixtyHundred_WalksEveryStepToCompletion()
    {
        var sim = PlatformSim.Deployed(Canary());
        sim.SpecRevision = 2;

        var done = sim.RunUntil(s => s.StepState == StepState.Completed && s.StableRevision == 2, 100, "completed");

        var weights = sim.History.Select(h => h.Decision.Traffic).Where(t => t.CanaryRevision == 2)
            .Select(t => t.CanaryWeight).Distinct().ToList();
        Assert.Equal([0, 10, 30, 60, 100], weights);
        var canaryReplicas = sim.History.Where(h => h.Decision.Replicas.ContainsKey(2) && h.Decision.Status.CanaryRevision == 2)
            .Select(h => h.Decision.Replicas[2]).Distinct().ToList();
        Assert.Equal([1, 3, 6, 10], canaryReplicas);
        Assert.Null(done.Status.CanaryRevision);
        Assert.True(done.Traffic.SameAs(TrafficTarget.AllStable(2)));
        Assert.Equal(10, done.Replicas[2]);
        Assert.Equal(10, done.Replicas[1]); // old stable waits for its scale-down delay
        Assert.Equal(4, sim.Events.Count(e => e.Reason == "StepStarted")); // steps 2, 3, 4 and full promotion
        Assert.Equal(5, sim.Events.Count(e => e.Reason == "TrafficShifted")); // 4 steps + full promotion
        Assert.Contains(sim.Events, e => e.Reason == "Completed");
    }

    [Fact]
    public void Reconcile_Completed_OldStableKeepsReplicasForScaleDownDelay()
    {
        var sim = PlatformSim.Deployed(Canary());
        sim.SpecRevision = 2;
        var done = sim.RunUntil(s => s.StepState == StepState.Completed && s.StableRevision == 2, 100);
        var completedAt = done.Status.StateSince;

        var kept = sim.RunUntil(_ => sim.Now >= completedAt + TimeSpan.FromSeconds(29), 100);
        Assert.Equal(10, kept.Replicas[1]);

        var removed = sim.RunUntil(_ => !sim.Last!.Replicas.ContainsKey(1), 5, "old stable removed after delay");
        Assert.True(removed.Status.StateSince + TimeSpan.FromSeconds(30) <= sim.History[^1].At);
        Assert.Contains(sim.Events, e => e.Reason == "ScaledDown");
        Assert.Equal(RolloutPhase.Healthy, removed.Status.Phase);
    }

    [Fact]
    public void Reconcile_CompletedButRouterStillSendsTrafficToOldStable_OldStableKept()
    {
        var sim = PlatformSim.Deployed(Canary());
        sim.SpecRevision = 2;
        sim.RunUntil(s => s.StepState == StepState.Completed && s.StableRevision == 2, 100);
        // The router has not confirmed anything since the 100% step: pretend it regressed to a 60% split.
        sim.RouterApplies = () => false;
        sim.Applied = new TrafficTarget { StableRevision = 1, CanaryRevision = 2, CanaryWeight = 60 };

        var later = sim.Run(60);

        Assert.Equal(10, later.Replicas[1]);
        Assert.Single(later.Status.ScaleDowns);
    }

    [Fact]
    public void Reconcile_ReplicasNotReady_TrafficWaitsInUpgrading()
    {
        var sim = PlatformSim.Deployed(Canary());
        sim.SpecRevision = 2;
        sim.ReadyCap[2] = 0;

        var d = sim.Run(20);

        Assert.Equal(StepState.Upgrading, d.Status.StepState);
        Assert.Equal(0, d.Traffic.CanaryWeight);
        Assert.Equal(1, d.Replicas[2]);
        Assert.Contains("0/1 ready", d.Status.Message);

        sim.ReadyCap.Remove(2);
        var routed = sim.RunUntil(s => s.StepState is StepState.Ready or StepState.Upgrading && s.StepIndex == 1, 10);
        Assert.Equal(10, sim.Applied!.CanaryWeight);
        Assert.Equal(RolloutPhase.Progressing, routed.Status.Phase);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    public void Reconcile_SomeReplicasReady_TrafficMovesOnlyAtStepReplicaCount(int readyPerTick, int ticksToReady)
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(30, Manual)));
        sim.SpecRevision = 2;
        sim.ReadyPerTick = r => r == 2 ? readyPerTick : int.MaxValue;

        sim.RunUntil(s => s.Traffic?.CanaryWeight == 30, 20);

        var firstRouted = sim.History.First(h => h.Decision.Traffic.CanaryWeight == 30);
        Assert.Equal(3, firstRouted.Observation.Ready(2));
        Assert.True(firstRouted.Tick - sim.History.First(h => h.Decision.Status.CanaryRevision == 2).Tick >= ticksToReady);
        Assert.All(sim.History.Where(h => h.Observation.Ready(2) < 3), h => Assert.Equal(0, h.Decision.Traffic.CanaryWeight));
    }

    [Fact]
    public void Reconcile_RouterHasNotAppliedTraffic_StepStaysInRoutingTraffic()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10, Manual)));
        sim.SpecRevision = 2;
        sim.RouterApplies = () => false;

        var d = sim.Run(10);

        Assert.Equal(StepState.RoutingTraffic, d.Status.StepState);
        Assert.Equal(10, d.Traffic.CanaryWeight);
        Assert.Null(d.Status.TrafficAppliedAt);
        Assert.DoesNotContain(sim.Events, e => e.Reason == "TrafficShifted");

        sim.RouterApplies = () => true;
        var paused = sim.RunUntilState(StepState.Paused, 0, 5);
        Assert.NotNull(paused.Status.TrafficAppliedAt);
        Assert.Equal(RolloutPhase.Paused, paused.Status.Phase);
    }

    [Fact]
    public void Reconcile_ManualPauseStep_WaitsForPromote()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(20, Manual), Traffic(50)));
        sim.SpecRevision = 2;

        var paused = sim.RunUntilState(StepState.Paused, 0);
        var held = sim.Run(100);

        Assert.Equal(StepState.Paused, held.Status.StepState);
        Assert.Equal(0, held.Status.StepIndex);
        Assert.Equal(RolloutPhase.Paused, held.Status.Phase);
        Assert.Contains("canaria promote", held.Status.Message);
        Assert.Equal(paused.Status.StateSince, held.Status.StateSince);

        sim.MustCommand(CommandKind.Promote);
        var next = sim.RunUntilState(StepState.Upgrading, 1, 3);
        Assert.False(next.Status.PromoteRequested);
        Assert.Contains(sim.Events, e => e.Reason == "Promoted");
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 20);
        Assert.Equal(2, done.Status.StableRevision);
    }

    [Fact]
    public void Reconcile_TimedPause_MovesOnAfterDuration()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(20, For(30)), Traffic(50)));
        sim.SpecRevision = 2;
        var paused = sim.RunUntilState(StepState.Paused, 0);

        var next = sim.RunUntil(s => s.StepIndex == 1, 60);

        var left = sim.History.First(h => h.Decision.Status.StepIndex == 1);
        Assert.Equal(paused.Status.StateSince + TimeSpan.FromSeconds(30), left.At);
        Assert.Equal(RolloutPhase.Progressing, next.Status.Phase);
    }

    [Fact]
    public void Reconcile_TimedPause_MessageCountsDown()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(20, For(60)), Traffic(50)));
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);
        sim.Run(9);

        Assert.Contains("pausing 51s more", sim.Last!.Status.Message);
    }

    [Fact]
    public void Promote_DuringAnalysis_SkipsTheAnalysisWait()
    {
        var spec = Canary(Traffic(20), Traffic(50)) with { Analysis = SuccessAnalysis(stepPasses: 5) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.Verdicts = _ => null; // the metric source measures nothing
        sim.RunUntilState(StepState.Analyzing, 0);

        sim.MustCommand(CommandKind.Promote);
        var next = sim.RunUntil(s => s.StepIndex == 1, 3);

        Assert.Equal(StepState.Upgrading, sim.History.First(h => h.Decision.Status.StepIndex == 1).Decision.Status.StepState);
        Assert.Equal(1, next.Status.StepIndex);
    }

    [Fact]
    public void Promote_DuringTimedPause_SkipsTheRestOfThePause()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(20, For(3600)), Traffic(50)));
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);

        sim.MustCommand(CommandKind.Promote);
        var next = sim.Tick();

        Assert.Equal(1, next.Status.StepIndex);
    }

    [Fact]
    public void PromoteFull_MidRollout_ScalesToFullThenRoutesAllThenCompletes()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10, Manual), Traffic(30, Manual), Traffic(60, Manual)));
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);
        var from = sim.History.Count;
        sim.ReadyPerTick = r => r == 2 ? 3 : int.MaxValue;

        sim.MustCommand(CommandKind.PromoteFull);
        Assert.Equal(3, sim.Status!.StepIndex);
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 20);

        var after = sim.History.Skip(from).ToList();
        var firstFull = after.First(h => h.Decision.Traffic.CanaryWeight == 100);
        Assert.Equal(10, firstFull.Observation.Ready(2));
        Assert.All(after.TakeWhile(h => h != firstFull), h => Assert.Equal(10, h.Decision.Traffic.CanaryWeight));
        Assert.All(after.Where(h => h.Decision.Status.CanaryRevision == 2), h => Assert.Equal(10, h.Decision.Replicas[2]));
        Assert.Equal(2, done.Status.StableRevision);
        Assert.Null(done.Status.CanaryRevision);
        Assert.Contains("full promotion", sim.Events.First(e => e.Reason == "TrafficShifted" && e.Message.Contains("100%")).Message);
    }

    [Fact]
    public void PromoteFull_WhileHumanPaused_ClearsThePause()
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10, Manual), Traffic(30)));
        sim.SpecRevision = 2;
        sim.RunUntilState(StepState.Paused, 0);
        sim.MustCommand(CommandKind.Pause);

        sim.MustCommand(CommandKind.PromoteFull);

        Assert.False(sim.Status!.Paused);
        Assert.Equal(StepState.Completed, sim.RunUntilState(StepState.Completed, maxTicks: 10).Status.StepState);
    }

    [Fact]
    public void Reconcile_BlueGreenWithoutSteps_RunsFullSizeBeforeTrafficThenWaitsForPromote()
    {
        var sim = PlatformSim.Deployed(BlueGreen());
        sim.SpecRevision = 2;

        var waiting = sim.RunUntilState(StepState.Paused, 0);

        Assert.Equal(4, waiting.Replicas[2]);
        Assert.Equal(4, sim.Ready(2));
        Assert.Equal(0, waiting.Traffic.CanaryWeight);
        Assert.Empty(waiting.Traffic.Matches);
        Assert.Equal(RolloutPhase.Paused, waiting.Status.Phase);
        Assert.Null(waiting.Analysis);
        Assert.All(sim.History, h => Assert.NotEqual(100, h.Decision.Traffic.CanaryWeight));

        sim.MustCommand(CommandKind.Promote);
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 10);
        var switched = sim.History.First(h => h.Decision.Traffic.CanaryWeight == 100);
        Assert.Equal(4, switched.Observation.Ready(2));
        Assert.Equal(2, done.Status.StableRevision);
        Assert.Equal(4, done.Replicas[1]); // blue stays for the scale-down delay: instant rollback
    }

    [Fact]
    public void Reconcile_BlueGreenUnreadyGreen_NeverSwitches()
    {
        var sim = PlatformSim.Deployed(BlueGreen());
        sim.SpecRevision = 2;
        sim.ReadyCap[2] = 3;

        var d = sim.Run(30);
        var promote = sim.Command(CommandKind.Promote);
        var after = sim.Run(30);

        Assert.True(promote.Ok);
        Assert.Equal(StepState.Upgrading, after.Status.StepState);
        Assert.Equal(0, d.Traffic.CanaryWeight);
        Assert.All(sim.History, h => Assert.Equal(0, h.Decision.Traffic.CanaryWeight));
    }

    [Fact]
    public void Reconcile_BlueGreenWithWrittenSteps_FollowsThem()
    {
        var spec = BlueGreen(new StepSpec { Replicas = new ReplicaCount(100, true), Traffic = 0, Pause = For(10) });
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;

        var done = sim.RunUntilState(StepState.Completed, maxTicks: 30);

        Assert.Equal(2, done.Status.StableRevision);
        Assert.DoesNotContain(sim.History, h => h.Decision.Status.Phase == RolloutPhase.Paused);
    }

    [Fact]
    public void Reconcile_MatchesStep_RoutesTestUsersBeforeWeights()
    {
        var cookie = new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Operator = MatchOperator.Regex, Value = "^(.*?;)?(user=test-user)(;.*)?$" };
        var spec = Canary(new StepSpec { Matches = [cookie], Pause = Manual }, Traffic(50));
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;

        var paused = sim.RunUntilState(StepState.Paused, 0);

        Assert.Equal(0, paused.Traffic.CanaryWeight);
        Assert.Equal([cookie], paused.Traffic.Matches);
        Assert.True(paused.Traffic.CanaryExposed);
        Assert.Equal(1, paused.Replicas[2]);
    }

    [Fact]
    public void Reconcile_StepWithoutTraffic_KeepsPreviousStepsTraffic()
    {
        var spec = Canary(Traffic(25), new StepSpec { Pause = Manual });
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;

        var paused = sim.RunUntilState(StepState.Paused, 1);

        Assert.Equal(25, paused.Traffic.CanaryWeight);
        Assert.Equal(3, paused.Replicas[2]);
    }

    [Fact]
    public void Reconcile_AnalysisPassesEachStep_WindowStartsWhenTrafficApplied()
    {
        var spec = Canary(Traffic(10), Traffic(50)) with { Analysis = SuccessAnalysis(stepPasses: 3) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;

        var done = sim.RunUntilState(StepState.Completed, maxTicks: 60);

        Assert.Equal(2, done.Status.StableRevision);
        foreach (var step in new[] { 0, 1 })
        {
            var windows = sim.History.Where(h => h.Decision.Status.TrafficAppliedAt is not null).Select(h => h.Decision.Analysis).Where(w => w?.StepIndex == step).ToList();
            Assert.Equal(3, windows.Count);
            var routedAt = sim.History.First(h => h.Decision.Status.StepIndex == step && h.Decision.Status.TrafficAppliedAt is not null).Decision.Status.TrafficAppliedAt;
            Assert.All(windows, w => Assert.Equal(routedAt, w!.Since));
        }
        // Between steps only the previous step's live traffic is judged, from the moment the new step began.
        Assert.All(
            sim.History.Where(h => h.Decision.Analysis is not null && h.Decision.Status.StepState is StepState.Upgrading or StepState.RoutingTraffic),
            h =>
            {
                Assert.True(h.Observation.AppliedTraffic!.CanaryExposed);
                Assert.Equal(h.Decision.Status.StepStartedAt, h.Decision.Analysis!.Since);
            });
        Assert.DoesNotContain(sim.History, h => h.Decision.Analysis is not null && h.Observation.AppliedTraffic is not { CanaryExposed: true });
    }

    [Fact]
    public void Reconcile_CanaryFailsWhileAGateHoldsTheNextStep_Aborts()
    {
        var hook = new WebhookSpec { Name = "gate", Type = WebhookType.PreTrafficIncrease, Url = "http://127.0.0.1:1/" };
        var spec = Canary(Traffic(10), Traffic(50)) with { Analysis = SuccessAnalysis(), Webhooks = [hook] };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        sim.GateAnswers = g => g.StepIndex == 0 ? GateOutcome.Open : GateOutcome.Closed;
        sim.RunUntil(s => s.StepIndex == 1 && s.GateMessage is not null, 40, "the gate holds step 2");
        Assert.Equal(10, sim.Applied!.CanaryWeight);

        sim.Verdicts = _ => Verdict.Fail;
        var aborted = sim.RunUntilState(StepState.Aborted, maxTicks: 10);

        Assert.Contains("analysis check 'success' failed", aborted.Status.AbortReason);
        Assert.Equal(0, sim.Applied!.CanaryWeight);
    }
}
