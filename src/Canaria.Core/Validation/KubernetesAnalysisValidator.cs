using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>
/// What analysis can measure on Kubernetes: there is no Canaria gateway in a cluster, so neither its golden signals
/// nor the statistical comparison with stable (which needs the gateway's per-version counts and latencies) exist there.
/// Prometheus and web checks work on both platforms.
/// </summary>
internal static class KubernetesAnalysisValidator
{
    public static void Validate(AnalysisSpec analysis, Action<string, string> add)
    {
        for (var i = 0; i < analysis.Checks.Count; i++)
        {
            var check = analysis.Checks[i];
            var at = $"spec.analysis.checks[{i}]";
            if (check.Compare is not null)
            {
                add($"{at}.compare",
                    "the comparison with stable needs the per-version request counts and latencies of Canaria's gateway, which does not run on Kubernetes: " +
                    "write a provider prometheus check whose query compares the two versions ({{version}} and {{stableVersion}} are the canary's and " +
                    "stable's pod-template-hash) with min or max");
            }
            else if (check.Provider == MetricProvider.Gateway)
            {
                add($"{at}.provider",
                    "gateway (the default) reads Canaria's own gateway, which does not run on Kubernetes: use provider prometheus " +
                    "(a PromQL query over your mesh's or app's metrics; {{namespace}}, {{service}} and {{version}} = the canary's pod-template-hash are filled in) or provider web");
            }
        }
    }
}
