using System.Globalization;
using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>
/// PromQL for one data plane's standard metrics: a request counter with a success matcher and a latency histogram,
/// grouped by the label that tells the stable and canary backends apart (<see cref="GroupLabel"/>).
/// </summary>
internal sealed record DataPlaneQueries
{
    public required string Router { get; init; }
    public required string Requests { get; init; }
    public required string Buckets { get; init; }

    /// <summary>The label that names a version: a Service (Istio, ingress-nginx) or a pod-template-hash (Linkerd).</summary>
    public required string GroupLabel { get; init; }
    public required string Selector { get; init; }
    public required string SuccessMatcher { get; init; }

    /// <summary>Multiplier that turns the histogram's unit into milliseconds.</summary>
    public double ToMilliseconds { get; init; } = 1;

    public string Total(string window) => $"sum by ({GroupLabel}) (rate({Requests}{{{Selector}}}[{window}]))";

    public string Success(string window) => $"sum by ({GroupLabel}) (rate({Requests}{{{Selector},{SuccessMatcher}}}[{window}]))";

    public string Quantile(double q, string window) =>
        $"histogram_quantile({q.ToString(CultureInfo.InvariantCulture)}, sum by ({GroupLabel}, le) (rate({Buckets}{{{Selector}}}[{window}])))";

    /// <summary>The router named by spec.trafficRouting (read as raw JSON), or null with the reason when stat cannot measure it.</summary>
    /// <param name="values">The label value of each version (Service names, or pod-template-hashes for Linkerd).</param>
    public static DataPlaneQueries? For(JsonObject? trafficRouting, string ns, IReadOnlyCollection<string> values, IReadOnlyCollection<string> podHashes, out string? error)
    {
        error = null;
        var keys = trafficRouting?.Select(p => p.Key).ToList() ?? [];
        string Any(IReadOnlyCollection<string> v) => string.Join("|", v.Select(Escape));
        if (keys.Contains("istio"))
        {
            return new DataPlaneQueries
            {
                Router = "istio",
                Requests = "istio_requests_total",
                Buckets = "istio_request_duration_milliseconds_bucket",
                GroupLabel = "destination_service_name",
                Selector = $"reporter=\"destination\",destination_service_namespace=\"{Escape(ns)}\",destination_service_name=~\"{Any(values)}\"",
                SuccessMatcher = "response_code!~\"5..\"",
            };
        }
        if (keys.Contains("smi"))
        {
            return new DataPlaneQueries
            {
                Router = "smi (linkerd)",
                Requests = "response_total",
                Buckets = "response_latency_ms_bucket",
                GroupLabel = "dst_pod_template_hash",
                Selector = $"direction=\"outbound\",dst_namespace=\"{Escape(ns)}\",dst_pod_template_hash=~\"{Any(podHashes)}\"",
                SuccessMatcher = "classification=\"success\"",
            };
        }
        if (keys.Contains("nginx"))
        {
            return new DataPlaneQueries
            {
                Router = "nginx",
                Requests = "nginx_ingress_controller_requests",
                Buckets = "nginx_ingress_controller_request_duration_seconds_bucket",
                GroupLabel = "service",
                Selector = $"namespace=\"{Escape(ns)}\",service=~\"{Any(values)}\"",
                SuccessMatcher = "status!~\"5..\"",
                ToMilliseconds = 1000,
            };
        }
        error = keys.Count == 0
            ? "has no spec.trafficRouting: without a router nothing measures requests per version. canaria stat reads Istio's istio_requests_total, " +
              "Linkerd's response_total (spec.trafficRouting.smi) or ingress-nginx's nginx_ingress_controller_requests"
            : $"routes traffic with spec.trafficRouting.{string.Join("/", keys)}, which exports no standard per-version request metrics " +
              "(Gateway API defines none): canaria stat needs istio_requests_total (istio), response_total (smi, Linkerd) or nginx_ingress_controller_requests (nginx)";
        return null;
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
