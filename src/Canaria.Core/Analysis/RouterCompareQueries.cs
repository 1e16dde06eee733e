using Canaria.Core.Model;

namespace Canaria.Core.Analysis;

/// <summary>What a Prometheus comparison reads for each side, and the label values that name the two sides.</summary>
internal sealed record CompareTargets(CompareQueries Queries, string Canary, string Stable);

/// <summary>
/// The standard request counters and latency histograms of the routers Canaria drives (the ones `canaria stat` reads),
/// as per-side queries for a `compare: stable` check without its own queries. {{version}} becomes the label that
/// tells the sides apart: Linkerd's dst_pod_template_hash (the pod-template-hash), Istio's destination_service_name
/// and ingress-nginx's service (the stable Service and &lt;service&gt;-canary).
/// </summary>
internal static class RouterCompareQueries
{
    /// <summary>Null with the reason when the routing has no standard per-version metrics (Istio subsets, Gateway API, none).</summary>
    public static CompareQueries? For(TrafficRoutingSpec? routing, out string? error)
    {
        error = null;
        if (routing?.Smi is not null)
        {
            const string series = "direction=\"outbound\",dst_namespace=\"{{namespace}}\",dst_pod_template_hash=\"{{version}}\"";
            return Build("smi (linkerd)", "response_total", series, "classification=\"failure\"", "response_latency_ms_bucket", LatencyUnit.Milliseconds);
        }
        if (routing?.Istio is { DestinationRule: null })
        {
            // Host mode: only the calling proxy (reporter="source") names the Service it routed to; the serving side
            // reports the Host header, which is the stable host for the canary's requests too.
            const string series = "reporter=\"source\",destination_service_namespace=\"{{namespace}}\",destination_service_name=\"{{version}}\"";
            return Build("istio", "istio_requests_total", series, "response_code=~\"5..\"", "istio_request_duration_milliseconds_bucket", LatencyUnit.Milliseconds);
        }
        if (routing?.Nginx is not null)
        {
            const string series = "namespace=\"{{namespace}}\",service=\"{{version}}\"";
            return Build("nginx", "nginx_ingress_controller_requests", series, "status=~\"5..\"", "nginx_ingress_controller_request_duration_seconds_bucket", LatencyUnit.Seconds);
        }
        error = routing?.Istio is not null
            ? "Istio subset routing sends both versions to one Service, and istio_requests_total tells them apart only by the pods' version label: write queries (requests, errors) for the two sides"
            : routing?.GatewayApi is not null
                ? "Gateway API defines no per-backend request metrics: write queries (requests, errors) for the two sides"
                : "without spec.trafficRouting nothing counts requests per version: write queries (requests, errors) for the two sides, or route with istio, smi or nginx";
        return null;
    }

    /// <summary>The queries and both sides' label values of a check (its own queries, else its router's standard ones).</summary>
    public static CompareTargets? Targets(CheckSpec check, TrafficRoutingSpec? routing, string service, string canaryHash, string stableHash, out string? error)
    {
        error = null;
        if (check.Queries is { } own) return new CompareTargets(own, canaryHash, stableHash);
        if (For(routing, out error) is not { } queries) return null;
        // Linkerd labels a backend by its pods; Istio and ingress-nginx by the Service the route sent it to.
        return routing!.Smi is not null
            ? new CompareTargets(queries, canaryHash, stableHash)
            : new CompareTargets(queries, service + "-canary", service);
    }

    private static CompareQueries Build(string router, string counter, string series, string failed, string buckets, LatencyUnit unit) => new()
    {
        Requests = $"sum(increase({counter}{{{series}}}[{{{{window}}}}]))",
        Errors = $"sum(increase({counter}{{{series},{failed}}}[{{{{window}}}}]))",
        LatencyBuckets = $"sum by (le) (increase({buckets}{{{series}}}[{{{{window}}}}]))",
        LatencyUnit = unit,
        Origin = router,
    };
}
