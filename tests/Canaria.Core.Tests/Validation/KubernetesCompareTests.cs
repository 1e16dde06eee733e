using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

/// <summary>`compare: stable` on Kubernetes: read from Prometheus, by the router's standard metrics or the check's own per-side queries.</summary>
public class KubernetesCompareTests
{
    private static RolloutDocument Parse(string check, string routing = "")
    {
        var result = RolloutYaml.Parse($"""
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: {"{"}name: shop{"}"}
            spec:
              workloadRef: {"{"}name: shop{"}"}
              service: {"{"}name: shop{"}"}
              strategy: {"{"}canary: {"{"}steps: [{"{"}traffic: 10{"}"}]{"}"}{"}"}
            {routing}
              analysis:
                checks:
                  - {check}
            """);
        Assert.Empty(result.Errors);
        return result.Document!;
    }

    private const string Prometheus = "name: errors, compare: stable, provider: prometheus, address: 'http://prometheus:9090'";

    [Theory]
    [InlineData("  trafficRouting: {smi: {rootService: shop-apex}}")]
    [InlineData("  trafficRouting: {nginx: {ingress: shop}}")]
    [InlineData("  trafficRouting: {istio: {virtualService: {name: shop}}}")]
    public void Validate_CompareWithARouterWithStandardMetrics_IsValidWithoutQueries(string routing)
    {
        Assert.Empty(RolloutValidator.Validate(Parse("{" + Prometheus + "}", routing), Platform.Kubernetes));
    }

    [Theory]
    [InlineData("", "without spec.trafficRouting nothing counts requests per version")]
    [InlineData("  trafficRouting: {gatewayAPI: {httpRoute: shop}}", "Gateway API defines no per-backend request metrics")]
    [InlineData("  trafficRouting: {istio: {virtualService: {name: shop}, destinationRule: {name: shop}}}", "Istio subset routing")]
    public void Validate_CompareWithoutStandardMetricsOrQueries_NamesTheQueriesField(string routing, string message)
    {
        var error = Assert.Single(RolloutValidator.Validate(Parse("{" + Prometheus + "}", routing), Platform.Kubernetes));

        Assert.Equal("spec.analysis.checks[0].queries", error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Validate_CompareOnTheGateway_PointsToPrometheus()
    {
        var error = Assert.Single(RolloutValidator.Validate(Parse("{name: errors, compare: stable}", "  trafficRouting: {smi: {rootService: a}}"), Platform.Kubernetes));

        Assert.Equal("spec.analysis.checks[0].provider", error.Field);
        Assert.Contains("write provider: prometheus and address", error.Message);
    }

    [Theory]
    [InlineData("queries: {requests: 'sum(x)', errors: 'sum(y{v=\"{{version}}\"})'}", "spec.analysis.checks[0].queries.requests", "must contain {{version}}")]
    [InlineData("queries: {errors: 'sum(y{v=\"{{version}}\"})'}", "spec.analysis.checks[0].queries.requests", "is required for method sequential")]
    [InlineData("method: mannWhitney, queries: {requests: 'a{v=\"{{version}}\"}', errors: 'b{v=\"{{version}}\"}'}", "spec.analysis.checks[0].queries.latencyBuckets", "is required for method mannWhitney")]
    [InlineData("query: 'up', queries: {requests: 'a{v=\"{{version}}\"}', errors: 'b{v=\"{{version}}\"}'}", "spec.analysis.checks[0].query", "does not apply to compare: stable")]
    public void Validate_BadCompareQueries_OneErrorWithItsPath(string fields, string field, string message)
    {
        var error = Assert.Single(RolloutValidator.Validate(Parse("{" + Prometheus + ", " + fields + "}"), Platform.Kubernetes));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Parse_CompareQueries_ReadsEveryField()
    {
        var doc = Parse("{" + Prometheus + ", method: percentile, queries: {requests: 'r{v=\"{{version}}\"}', errors: 'e{v=\"{{version}}\"}', " +
                        "latencyBuckets: 'sum by (le) (b{v=\"{{version}}\"})', latencyUnit: milliseconds}}");

        var q = doc.Spec.Analysis!.Checks[0].Queries!;
        Assert.Equal(("r{v=\"{{version}}\"}", "e{v=\"{{version}}\"}", "sum by (le) (b{v=\"{{version}}\"})", LatencyUnit.Milliseconds), (q.Requests, q.Errors, q.LatencyBuckets, q.LatencyUnit));
        Assert.Empty(RolloutValidator.Validate(doc, Platform.Kubernetes));
        // On this machine the gateway counts both sides: the queries belong to Prometheus on a cluster only.
        Assert.Contains(RolloutValidator.Validate(doc, Platform.Local), e => e.Field == "spec.analysis.checks[0].compare");
    }

    [Fact]
    public void Targets_EachRouter_NamesTheSidesByTheLabelItsMetricsCarry()
    {
        var check = new CheckSpec { Name = "e", Compare = new CompareSpec(), Provider = MetricProvider.Prometheus };
        var smi = RouterCompareQueries.Targets(check, new TrafficRoutingSpec { Smi = new SmiRouting() }, "shop", "abc", "def", out _)!;
        var nginx = RouterCompareQueries.Targets(check, new TrafficRoutingSpec { Nginx = new NginxRouting() }, "shop", "abc", "def", out _)!;
        var own = RouterCompareQueries.Targets(check with { Queries = new CompareQueries { Requests = "x" } }, new TrafficRoutingSpec { Nginx = new NginxRouting() }, "shop", "abc", "def", out _)!;

        Assert.Equal(("abc", "def"), (smi.Canary, smi.Stable));
        Assert.Contains("response_total{direction=\"outbound\",dst_namespace=\"{{namespace}}\",dst_pod_template_hash=\"{{version}}\"", smi.Queries.Requests);
        Assert.Contains("classification=\"failure\"", smi.Queries.Errors);
        Assert.Equal(("shop-canary", "shop", 1000.0), (nginx.Canary, nginx.Stable, nginx.Queries.ToMilliseconds));
        Assert.Equal(("abc", "def", "x"), (own.Canary, own.Stable, own.Queries.Requests));
    }
}
