using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Core.Validation;

/// <summary>
/// What analysis can measure on Kubernetes: there is no Canaria gateway in a cluster, so its golden signals do not
/// exist there. Prometheus and web checks work on both platforms, and a comparison with stable reads both sides'
/// counts from Prometheus: the router's standard metrics, or the check's own queries.
/// </summary>
internal static class KubernetesAnalysisValidator
{
    public static void Validate(AnalysisSpec analysis, TrafficRoutingSpec? routing, Action<string, string> add)
    {
        for (var i = 0; i < analysis.Checks.Count; i++)
        {
            var check = analysis.Checks[i];
            var at = $"spec.analysis.checks[{i}]";
            if (check.Compare is not null && check.Provider == MetricProvider.Gateway)
            {
                add($"{at}.provider",
                    "compare: stable on Kubernetes reads both versions' request counts from Prometheus: write provider: prometheus and address " +
                    "(the router's standard metrics are read, or give queries: {requests, errors, latencyBuckets} with {{version}})");
            }
            else if (check.Compare is not null && check.Provider == MetricProvider.Prometheus)
            {
                ValidateQueries(check, routing, at, add);
            }
            else if (check.Provider == MetricProvider.Gateway)
            {
                add($"{at}.provider",
                    "gateway (the default) reads Canaria's own gateway, which does not run on Kubernetes: use provider prometheus " +
                    "(a PromQL query over your mesh's or app's metrics; {{namespace}}, {{service}} and {{version}} = the canary's pod-template-hash are filled in) or provider web");
            }
        }
    }

    private static void ValidateQueries(CheckSpec check, TrafficRoutingSpec? routing, string at, Action<string, string> add)
    {
        var latency = check.Compare!.Method != CompareMethod.Sequential;
        if (check.Queries is not { } q)
        {
            if (RouterCompareQueries.For(routing, out var error) is null) add($"{at}.queries", error!);
            return;
        }
        // Without {{version}} both sides would read the same series: a comparison that can never see a difference.
        var wanted = latency ? new[] { ("latencyBuckets", q.LatencyBuckets) } : [("requests", q.Requests), ("errors", q.Errors)];
        foreach (var (field, query) in wanted)
        {
            if (string.IsNullOrWhiteSpace(query)) add($"{at}.queries.{field}", $"is required for method {Enums.Camel(check.Compare.Method)}");
            else if (!query.Contains("{{version}}", StringComparison.Ordinal))
                add($"{at}.queries.{field}", "must contain {{version}}: it is rendered once for the canary and once for stable, and without it both read the same series");
        }
    }
}
