using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Kubernetes.Controller;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>Measurements are handed to the engine until a stored status counts them: never lost, never counted twice.</summary>
public sealed class KubeAnalysisStateTests
{
    private static readonly DateTimeOffset T1 = DateTimeOffset.UnixEpoch + TimeSpan.FromMinutes(1);
    private static readonly RolloutSpec Spec = new() { Analysis = new AnalysisSpec { Checks = [new CheckSpec { Name = "errors", Provider = MetricProvider.Prometheus }] } };

    private static RolloutStatus Stored(DateTimeOffset? measuredAt, int canary = 2, StepState state = StepState.Analyzing) => new()
    {
        StableRevision = 1,
        CanaryRevision = canary,
        StepState = state,
        Checks = [new CheckStatus { Name = "errors", MeasuredAt = measuredAt, Measurements = measuredAt is null ? 0 : 1 }],
    };

    private static KubeAnalysisState WithOne()
    {
        var state = new KubeAnalysisState();
        state.Arrived(new Measurement("errors", Verdict.Pass, 0.01, "ok", T1, 2, 0));
        return state;
    }

    [Fact]
    public void Unfolded_StatusNotStoredYet_HandedOutAgain()
    {
        var state = WithOne();

        Assert.Single(state.Unfolded(Spec, Stored(null)));
        Assert.Single(state.Unfolded(Spec, Stored(T1 - TimeSpan.FromSeconds(1)))); // the write of the status that counted it failed
        Assert.False(state.Idle);
    }

    [Fact]
    public void Unfolded_StoredStatusCountsIt_NeverHandedOutAgain()
    {
        var state = WithOne();

        Assert.Empty(state.Unfolded(Spec, Stored(T1)));
        Assert.Empty(state.Unfolded(Spec, Stored(null)));
        Assert.True(state.Idle);
    }

    [Theory]
    [InlineData("new canary")]
    [InlineData("aborted")]
    [InlineData("check removed")]
    [InlineData("no status")]
    public void Unfolded_NothingCouldCountIt_Dropped(string why)
    {
        var state = WithOne();
        var (spec, stored) = why switch
        {
            "new canary" => (Spec, Stored(null, canary: 3)),
            "aborted" => (Spec, Stored(null, state: StepState.Aborted)),
            "check removed" => (Spec with { Analysis = Spec.Analysis! with { Checks = [] } }, Stored(null)),
            _ => (Spec, (RolloutStatus?)null),
        };

        Assert.Empty(state.Unfolded(spec, stored));
    }
}
