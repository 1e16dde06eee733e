using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Kubernetes.Controller;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// Gate answers are handed to the engine until a stored status no longer waits for the gate: a status write lost to
/// a 409 must not lose an approval (a one-shot approval hook would not give it twice).
/// </summary>
public sealed class KubeAnalysisStateGateTests
{
    private const string Key = "2/0/PreRollout/approve";
    private static readonly DateTimeOffset T1 = DateTimeOffset.UnixEpoch + TimeSpan.FromMinutes(1);

    private static readonly RolloutSpec Spec = new()
    {
        Strategy = new StrategySpec { Steps = [new StepSpec { Traffic = 10 }, new StepSpec { Traffic = 50 }] },
        Webhooks = [new WebhookSpec { Name = "approve", Type = WebhookType.PreRollout, Url = "http://127.0.0.1:1/approve" }],
    };

    private static RolloutStatus Waiting(params string[] open) => new()
    {
        StableRevision = 1,
        CanaryRevision = 2,
        StepState = StepState.RoutingTraffic,
        OpenGates = open,
    };

    private static GateResult Answer(GateOutcome outcome, double seconds = 0) => new("approve", Key, outcome, "HTTP 200", T1.AddSeconds(seconds));

    [Fact]
    public void UnstoredGates_StatusWriteLost_OpenAnswerHandedOutAgain()
    {
        var state = new KubeAnalysisState();
        state.GateAnswered(Answer(GateOutcome.Open));

        Assert.Equal(Key, Assert.Single(state.UnstoredGates(Spec, Waiting())).Key);
        Assert.Equal(Key, Assert.Single(state.UnstoredGates(Spec, Waiting())).Key); // the status that opened it got a 409
        Assert.False(state.Idle);
    }

    [Fact]
    public void UnstoredGates_StoredStatusOpenedIt_NeverHandedOutAgain()
    {
        var state = new KubeAnalysisState();
        state.GateAnswered(Answer(GateOutcome.Open));

        Assert.Empty(state.UnstoredGates(Spec, Waiting(Key)));
        Assert.Empty(state.UnstoredGates(Spec, Waiting()));
        Assert.True(state.Idle);
    }

    [Theory]
    [InlineData("paused")]
    [InlineData("new canary")]
    [InlineData("no status")]
    public void UnstoredGates_StatusNoLongerWaitsForTheGate_Dropped(string why)
    {
        var state = new KubeAnalysisState();
        state.GateAnswered(Answer(GateOutcome.NoAnswer));
        var stored = why switch
        {
            "paused" => Waiting() with { Paused = true },
            "new canary" => Waiting() with { CanaryRevision = 3 },
            _ => null,
        };

        Assert.Empty(state.UnstoredGates(Spec, stored));
        Assert.True(state.Idle);
    }

    [Fact]
    public void UnstoredGates_HoldThenOpen_TheHoldIsSupersededTheOpeningNever()
    {
        var state = new KubeAnalysisState();
        state.GateAnswered(Answer(GateOutcome.Closed, 0));
        state.GateAnswered(Answer(GateOutcome.Open, 1));
        state.GateAnswered(Answer(GateOutcome.Closed, 2));

        var handed = state.UnstoredGates(Spec, Waiting());

        Assert.Equal([(GateOutcome.Open, 1.0), (GateOutcome.Closed, 2.0)], handed.Select(g => (g.Outcome, (g.At - T1).TotalSeconds)));
    }
}
