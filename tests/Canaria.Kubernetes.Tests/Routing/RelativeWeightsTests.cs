using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Routing;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>A step's written weights (seed 003) as each router writes them: unchanged where the API takes relative weights.</summary>
public class RelativeWeightsTests
{
    private const string Ns = "shop";

    private static RouteTarget Target(int stable, int canary) => new()
    {
        StableService = "myapp",
        CanaryService = "myapp-canary",
        CanaryWeight = new SplitWeights(stable, canary).CanaryPercent,
        Weights = new SplitWeights(stable, canary),
    };

    [Fact]
    public void Backends_TwoFiftySevenFifty_TrafficSplitGetsTheWeightsAsWritten()
    {
        var backends = TrafficSplitShape.Backends(Target(250, 750));

        Assert.Equal("""[{"service":"myapp","weight":250},{"service":"myapp-canary","weight":750}]""", backends.ToJsonString());
    }

    [Fact]
    public void Carries_SameRatioOtherNumbers_NotTheWrittenWeights()
    {
        var split = new JsonObject { ["spec"] = new JsonObject { ["backends"] = new JsonArray(
            new JsonObject { ["service"] = "myapp", ["weight"] = 25 }, new JsonObject { ["service"] = "myapp-canary", ["weight"] = 75 }) } };

        var weights = TrafficSplitWeights.Read(split, "myapp", "myapp-canary");

        Assert.False(weights.Carries(Target(250, 750))); // written 250/750 must read back as 250/750
        Assert.True(weights.Carries(Target(25, 75)));
        Assert.True(weights.Carries(new RouteTarget { StableService = "myapp", CanaryService = "myapp-canary", CanaryWeight = 75 }));
    }

    [Fact]
    public void Weighted_OneThirdOnlyStableBackend_HttpRouteGetsExactWeightsAndReadsBackRounded()
    {
        var rule = new JsonObject { ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = "myapp", ["port"] = 80 }) };

        var (weighted, error) = HttpRouteWeighting.Weighted(rule, Target(2, 1), Ns);

        Assert.Null(error);
        Assert.Equal([2, 1], weighted!["backendRefs"]!.AsArray().Select(HttpBackendRef.Weight));
        var route = new JsonObject { ["spec"] = new JsonObject { ["rules"] = new JsonArray(weighted) } };
        Assert.Equal(33, HttpRouteObservation.Of(route, "myapp", "myapp-canary", Ns).CanaryWeight);
    }

    [Fact]
    public void Weighted_WeightsBesideAnotherBackend_OtherBackendKeepsItsShare()
    {
        var rule = new JsonObject { ["backendRefs"] = new JsonArray(
            new JsonObject { ["name"] = "myapp", ["port"] = 80, ["weight"] = 3 }, new JsonObject { ["name"] = "legacy", ["port"] = 80, ["weight"] = 1 }) };

        var (weighted, error) = HttpRouteWeighting.Weighted(rule, Target(250, 750), Ns);

        Assert.Null(error);
        // stable 3 of 4 becomes 3·250 + 3·750; legacy 1 of 4 becomes 1·1000: still a quarter.
        Assert.Equal([750, 2250, 1000], weighted!["backendRefs"]!.AsArray().Select(HttpBackendRef.Weight));
    }

    [Fact]
    public void Weighted_WeightsAboveTheApiMaximum_RefusedWithTheReason()
    {
        var rule = new JsonObject { ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = "myapp", ["port"] = 80 }) };

        var (weighted, error) = HttpRouteWeighting.Weighted(rule, Target(1, 2_000_000), Ns);

        Assert.Null(weighted);
        Assert.Contains("maximum backendRef weight", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 1, "1", "3", 33)]
    [InlineData(250, 750, "750", "1000", 75)]
    [InlineData(90, 10, "10", null, 10)]
    public void Desired_Weights_NginxGetsCanaryWeightTotal(int stable, int canary, string weight, string? total, int percent)
    {
        var annotations = NginxCanaryAnnotations.Desired("nginx.ingress.kubernetes.io", Target(stable, canary), null);

        Assert.Equal(weight, annotations["nginx.ingress.kubernetes.io/canary-weight"]);
        Assert.Equal(total, annotations.GetValueOrDefault("nginx.ingress.kubernetes.io/canary-weight-total"));
        Assert.Equal(percent, NginxCanaryAnnotations.Read("nginx.ingress.kubernetes.io", NginxCanaryAnnotations.ToJson(annotations)).Weight);
    }
}
