using Canaria.Core.Engine;
using Canaria.Core.Model;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class GateTests
{
    private static WebhookSpec Hook(string name, WebhookType type) => new() { Name = name, Type = type, Url = "http://127.0.0.1:1/" + name };

    private static PlatformSim Released(params WebhookSpec[] hooks)
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10), Traffic(10, For(5)), Traffic(50)) with { Webhooks = hooks });
        sim.SpecRevision = 2;
        return sim;
    }

    [Fact]
    public void Reconcile_GateNotAnswered_NoCanaryTrafficAndTheGateIsAskedFor()
    {
        var sim = Released(Hook("before", WebhookType.PreRollout));

        var d = sim.Run(10);

        Assert.Equal(StepState.RoutingTraffic, d.Status.StepState);
        Assert.Equal(0, sim.Applied!.CanaryWeight);
        var gate = Assert.Single(d.Gates);
        Assert.Equal(("before", "2/0/PreRollout/before"), (gate.Webhook, gate.Key));
        Assert.Contains("waiting for gate webhook(s) before", d.Status.Message);
    }

    [Fact]
    public void Reconcile_GateHeldThenOpened_TrafficMovesOnlyAfterTheOpen()
    {
        var sim = Released(Hook("before", WebhookType.PreRollout));
        sim.GateAnswers = _ => GateOutcome.Closed;
        var held = sim.Run(20);
        Assert.Equal(0, sim.Applied!.CanaryWeight);
        Assert.Contains("holds the gate", held.Status.GateMessage);
        Assert.Single(sim.Events, e => e.Reason == "GateHeld");
        Assert.Equal(RolloutPhase.Progressing, held.Status.Phase); // a hold past the progress deadline does not abort
        sim.Now += TimeSpan.FromHours(1);
        Assert.Equal(StepState.RoutingTraffic, sim.Tick().Status.StepState);

        sim.GateAnswers = _ => GateOutcome.Open;
        sim.RunUntil(s => s.StepState == StepState.Ready || s.StepIndex > 0, 10, "step 1 routed");

        Assert.Equal(10, sim.Applied!.CanaryWeight);
        Assert.Contains(sim.Events, e => e.Reason == "GateOpened");
    }

    [Fact]
    public void Reconcile_GateNoAnswer_PausesWithTheReasonAndResumeAsksAgain()
    {
        var sim = Released(Hook("slow", WebhookType.PreRollout));
        sim.GateAnswers = _ => GateOutcome.NoAnswer;

        var paused = sim.RunUntil(s => s.Paused, 10, "paused by a silent gate");

        Assert.Equal(RolloutPhase.Paused, paused.Status.Phase);
        Assert.Contains("webhook 'slow' did not answer", paused.Status.PauseReason);
        Assert.Empty(sim.Run(3).Gates); // a paused rollout asks nobody
        sim.MustCommand(CommandKind.Resume);
        sim.GateAnswers = _ => GateOutcome.Open;
        sim.RunUntil(s => s.StepIndex == 1, 10, "step 2 after resume");
        Assert.Equal(10, sim.Applied!.CanaryWeight);
    }

    [Fact]
    public void Reconcile_TrafficIncreaseAndPromotionGates_AskedOnlyWhenTrafficRisesAndBeforePromotion()
    {
        var sim = Released(Hook("more", WebhookType.PreTrafficIncrease), Hook("promote", WebhookType.PrePromotion));
        var asked = new List<string>();
        sim.GateAnswers = g =>
        {
            asked.Add(g.Key);
            return GateOutcome.Open;
        };

        sim.RunUntilState(StepState.Completed, maxTicks: 60);

        Assert.Equal(["2/0/PreTrafficIncrease/more", "2/2/PreTrafficIncrease/more", "2/3/PrePromotion/promote"], asked.Distinct());
    }

    [Fact]
    public void Reconcile_ReplicaRatioStepsRaisingReplicas_AskTheTrafficIncreaseGate()
    {
        static StepSpec Replicas(int n) => new() { Replicas = new ReplicaCount(n, false), Pause = For(5) };
        var sim = PlatformSim.Deployed(Canary(Replicas(1), Replicas(1), Replicas(3)) with { Webhooks = [Hook("more", WebhookType.PreTrafficIncrease)] });
        sim.SpecRevision = 2;
        var asked = new List<string>();
        sim.GateAnswers = g =>
        {
            asked.Add(g.Key);
            return GateOutcome.Open;
        };

        sim.RunUntilState(StepState.Completed, maxTicks: 60);

        Assert.Equal(["2/0/PreTrafficIncrease/more", "2/2/PreTrafficIncrease/more"], asked.Distinct());
    }

    [Fact]
    public void Reconcile_AbortWhileGateHolds_StillAborts()
    {
        var sim = Released(Hook("before", WebhookType.PreRollout));
        sim.Run(5);
        sim.MustCommand(CommandKind.Abort);

        var d = sim.RunUntilState(StepState.Aborted, maxTicks: 10);

        Assert.Empty(d.Gates);
    }
}
