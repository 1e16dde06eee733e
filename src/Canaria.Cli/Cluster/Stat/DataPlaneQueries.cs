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

    /// <summary>
    /// The same series as stored when Prometheus Operator scrapes the data plane through a ServiceMonitor: the target's
    /// own namespace/service labels win, and the metric's become exported_namespace/exported_service. Null: no such form.
    /// </summary>
    public string? ExportedSelector { get; init; }

    public string Total(string window) => Sum(Requests, "", window, GroupLabel);

    public string Success(string window) => Sum(Requests, "," + SuccessMatcher, window, GroupLabel);

    public string Quantile(double q, string window) =>
        $"histogram_quantile({q.ToString(CultureInfo.InvariantCulture)}, {Sum(Buckets, "", window, GroupLabel + ", le")})";

    private string Sum(string metric, string matchers, string window, string by)
    {
        var own = $"sum by ({by}) (rate({metric}{{{Selector}{matchers}}}[{window}]))";
        if (ExportedSelector is null) return own;
        // exported_<label> holds what the exporter called <label>: copied back, both forms group alike.
        var exported = $"sum by ({by}) (label_replace(rate({metric}{{{ExportedSelector}{matchers}}}[{window}]), \"{GroupLabel}\", \"$1\", \"exported_{GroupLabel}\", \"(.+)\"))";
        return $"({own} or {exported})";
    }

    /// <summary>Why a read found nothing, after "Prometheus at URL ": which series it looked for, and what to check.</summary>
    public string NoSeries(string rollout, string ns, string window) =>
        $"has no {Requests} series for Rollout {rollout} in namespace {ns} over the last {window} " +
        $"(selector {{{Selector}}}{(ExportedSelector is { } exported ? $" or {{{exported}}}" : "")}): is it scraping the {Router} data plane, and does the service get traffic?";

    /// <summary>The label value of the stable version (null: it has no ReplicaSet to name).</summary>
    public string? Stable { get; init; }

    /// <summary>The label value of the canary version (null: no release in progress).</summary>
    public string? Canary { get; init; }

    /// <summary>The router named by spec.trafficRouting (read as raw JSON), or null with the reason when stat cannot measure it.</summary>
    public static DataPlaneQueries? For(JsonObject? trafficRouting, StatTargets t, out string? error)
    {
        error = null;
        var keys = trafficRouting?.Select(p => p.Key).ToList() ?? [];
        var ns = Escape(t.Namespace);
        static string Any(params string?[] v) => string.Join("|", v.OfType<string>().Select(x => Escape(RegexLiteral(x))));
        if (keys.Contains("istio") && trafficRouting!["istio"]?["destinationRule"] is not null)
        {
            // Subset mode: both versions are one Service; Istio tells pods apart only by their version label.
            if (t.StableVersionLabel is null || t.StableVersionLabel == t.CanaryVersionLabel)
            {
                error = $"routes with Istio subsets of one Service ({t.StableService}), and istio_requests_total names a version only by the pods' " +
                    "`version` label (destination_version), which the stable and canary pod templates do not set to different values";
                return null;
            }
            return Istio(ns, "destination", "destination_version", $"destination_service_name=\"{Escape(t.StableService)}\",destination_version=~\"{Any(t.StableVersionLabel, t.CanaryVersionLabel)}\"")
                with { Stable = t.StableVersionLabel, Canary = t.CanaryVersionLabel };
        }
        if (keys.Contains("istio"))
        {
            // Host mode: the VirtualService sends part of the stable host's requests to <svc>-canary. Only the client
            // side (reporter="source") names the Service it routed to; the server side derives destination_service from
            // the Host header, which is the stable host for those canary requests too.
            return Istio(ns, "source", "destination_service_name", $"destination_service_name=~\"{Any(t.StableService, t.CanaryService)}\"")
                with { Stable = t.StableService, Canary = t.CanaryService };
        }
        if (keys.Contains("smi"))
        {
            return new DataPlaneQueries
            {
                Router = "smi (linkerd)",
                Requests = "response_total",
                Buckets = "response_latency_ms_bucket",
                GroupLabel = "dst_pod_template_hash",
                Selector = $"direction=\"outbound\",dst_namespace=\"{ns}\",dst_pod_template_hash=~\"{Any(t.StablePodHash, t.CanaryPodHash)}\"",
                SuccessMatcher = "classification=\"success\"",
                Stable = t.StablePodHash,
                Canary = t.CanaryPodHash,
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
                Selector = $"namespace=\"{ns}\",service=~\"{Any(t.StableService, t.CanaryService)}\"",
                ExportedSelector = $"exported_namespace=\"{ns}\",exported_service=~\"{Any(t.StableService, t.CanaryService)}\"",
                SuccessMatcher = "status!~\"5..\"",
                ToMilliseconds = 1000,
                Stable = t.StableService,
                Canary = t.CanaryService,
            };
        }
        error = keys.Count == 0
            ? "has no spec.trafficRouting: without a router nothing measures requests per version. canaria stat reads Istio's istio_requests_total, " +
              "Linkerd's response_total (spec.trafficRouting.smi) or ingress-nginx's nginx_ingress_controller_requests"
            : $"routes traffic with spec.trafficRouting.{string.Join("/", keys)}, which exports no standard per-version request metrics " +
              "(Gateway API defines none): canaria stat needs istio_requests_total (istio), response_total (smi, Linkerd) or nginx_ingress_controller_requests (nginx)";
        return null;
    }

    /// <param name="reporter">Whose view: "source" (the calling proxy) or "destination" (the serving pod's proxy).</param>
    private static DataPlaneQueries Istio(string ns, string reporter, string groupLabel, string versions) => new()
    {
        Router = "istio",
        Requests = "istio_requests_total",
        Buckets = "istio_request_duration_milliseconds_bucket",
        GroupLabel = groupLabel,
        Selector = $"reporter=\"{reporter}\",destination_service_namespace=\"{ns}\",{versions}",
        SuccessMatcher = "response_code!~\"5..\"",
    };

    /// <summary>A value matched literally inside a =~ selector (a version label "1.2" must not match "1x2").</summary>
    private static string RegexLiteral(string value) => string.Concat(value.Select(c => @"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal) ? "\\" + c : c.ToString()));

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
