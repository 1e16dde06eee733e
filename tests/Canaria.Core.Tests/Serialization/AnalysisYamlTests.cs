using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Serialization;

public class AnalysisYamlTests
{
    private static string Spec(string analysis, string webhooks = "") => $"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {"{"} name: a {"}"}
        spec:
          service: {"{"} name: a, listen: "127.0.0.1:0" {"}"}
          template: {"{"} version: v1, upstreams: ["http://127.0.0.1:1"] {"}"}
          strategy: {"{"} canary: {"{"} steps: [ {"{"} traffic: 10 {"}"}, {"{"} traffic: 50 {"}"} ] {"}"} {"}"}
          analysis:
        {analysis}
        {webhooks}
        """;

    [Fact]
    public void Parse_EveryNewField_ReadsTheModel()
    {
        var result = RolloutYaml.Parse(Spec("""
                interval: 2s
                consecutiveErrorLimit: 2
                checks:
                  - name: errors
                    compare: stable
                    method: sequential
                    alpha: 0.005
                    beta: 0.1
                    minEffect: 0.03
                  - name: latency
                    compare: stable
                    method: percentile
                    percentile: 0.95
                    tolerance: 0.2
                    steps: [1]
                    interval: 10s
                    count: 3
                    initialDelay: 5s
                    failureLimit: 1
                  - name: prom
                    provider: prometheus
                    address: http://127.0.0.1:9090
                    query: 'sum(rate(x{version="{{version}}"}[{{window}}]))'
                    queryType: range
                    window: 2m
                    max: 0.05
                    auth: {username: u, secretEnv: PROM_PASSWORD}
                    consecutiveErrorLimit: 7
                  - name: web
                    provider: web
                    url: http://127.0.0.1:1/m?v={{version}}
                    httpMethod: POST
                    body: '{"v":"{{version}}"}'
                    jsonPath: $.data[0].value
                    min: 1
            """, """
              webhooks:
                - {name: gate, type: preTrafficIncrease, url: "http://127.0.0.1:1/gate", timeout: 500ms, retries: 1, metadata: {team: shop}}
                - {name: tell, type: event, url: "http://127.0.0.1:1/events"}
            """));

        Assert.True(result.Ok, string.Join("; ", result.Errors));
        var spec = result.Document!.Spec;
        var c = spec.Analysis!.Checks;
        Assert.Equal(2, spec.Analysis.ConsecutiveErrorLimit);
        Assert.Equal(new CompareSpec { Method = CompareMethod.Sequential, Alpha = 0.005, Beta = 0.1, MinEffect = 0.03 }, c[0].Compare);
        Assert.Equal(MetricKind.ErrorRate, c[0].Metric);
        Assert.Equal(new CompareSpec { Method = CompareMethod.Percentile, Quantile = 0.95, Tolerance = 0.2 }, c[1].Compare);
        Assert.Equal((TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(5), 1), (c[1].Interval!.Value, c[1].Count!.Value, c[1].InitialDelay, c[1].FailureLimit!.Value));
        Assert.Equal([1], c[1].Steps);
        Assert.Equal((MetricProvider.Prometheus, true, 0.05, 7), (c[2].Provider, c[2].RangeQuery, c[2].Max!.Value, c[2].ConsecutiveErrorLimit!.Value));
        Assert.Equal(new AuthSpec { Username = "u", SecretEnv = "PROM_PASSWORD" }, c[2].Auth);
        Assert.Equal((TimeSpan.FromMinutes(2), null), (c[2].Window!.Value, c[3].Window));
        Assert.Equal((MetricProvider.Web, "POST", "$.data[0].value"), (c[3].Provider, c[3].HttpMethod, c[3].JsonPath));
        Assert.Equal(2, spec.Webhooks.Count);
        Assert.Equal((WebhookType.PreTrafficIncrease, TimeSpan.FromMilliseconds(500), 1, "shop"), (spec.Webhooks[0].Type, spec.Webhooks[0].Timeout, spec.Webhooks[0].Retries, spec.Webhooks[0].Metadata["team"]));
        Assert.Equal((WebhookType.Event, TimeSpan.FromSeconds(5), 2), (spec.Webhooks[1].Type, spec.Webhooks[1].Timeout, spec.Webhooks[1].Retries));
        Assert.Empty(RolloutValidator.Validate(result.Document, Platform.Local));
    }

    [Theory]
    [InlineData("    - {name: x, compare: stable, method: bayes}", "spec.analysis.checks[0].method", "'bayes' is not one of sequential, mannWhitney, percentile")]
    [InlineData("    - {name: x, metric: successRate, min: 0.9, alpha: 0.1}", "spec.analysis.checks[0].alpha", "only applies with compare: stable")]
    [InlineData("    - {name: x, provider: graphite, max: 1}", "spec.analysis.checks[0].provider", "'graphite' is not one of gateway, prometheus, web")]
    [InlineData("    - {name: x, compare: latest}", "spec.analysis.checks[0].compare", "'latest' is not one of stable")]
    [InlineData("    - {name: x, metric: successRate, min: 0.9, steps: [one]}", "spec.analysis.checks[0].steps", "'one' is not a step index")]
    [InlineData("    - {name: x, provider: web, url: 'http://a', jsonPath: $.v, min: 1, auth: {token: abc}}", "spec.analysis.checks[0].auth.token", "is not a known field")]
    [InlineData("    - {name: x, provider: prometheus, query: up, address: 'http://a', max: 1, queryType: vector}", "spec.analysis.checks[0].queryType", "'vector' is not one of instant, range")]
    public void Parse_BadAnalysisField_ReportsItsPath(string check, string field, string message)
    {
        var result = RolloutYaml.Parse(Spec("    checks:\n" + check));

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("  - {name: g, type: beforeAll, url: 'http://a'}", "spec.webhooks[0].type", "'beforeAll' is not one of preRollout, preTrafficIncrease, prePromotion, rollback, event")]
    [InlineData("  - {name: g, url: 'http://a'}", "spec.webhooks[0].type", "is required")]
    [InlineData("  - {name: g, type: event}", "spec.webhooks[0].url", "is required")]
    public void Parse_BadWebhook_ReportsItsPath(string hook, string field, string message)
    {
        var result = RolloutYaml.Parse(Spec("    checks: [{metric: successRate, min: 0.9}]", "  webhooks:\n" + hook));

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }
}
