namespace Canaria.Core.Model;

/// <summary>
/// Kubernetes platform: the data planes that carry the split between the stable Service (spec.service.name) and the
/// canary Service (&lt;name&gt;-canary). Any number of them at once (e.g. Istio east-west and ingress-nginx north-south).
/// </summary>
internal sealed record TrafficRoutingSpec
{
    public IstioRouting? Istio { get; init; }
    public SmiRouting? Smi { get; init; }
    public NginxRouting? Nginx { get; init; }
    public GatewayApiRouting? GatewayApi { get; init; }

    public bool Any => Istio is not null || Smi is not null || Nginx is not null || GatewayApi is not null;
}

/// <summary>Istio: weights on the user's VirtualService routes; with a DestinationRule, by subsets of one host.</summary>
internal sealed record IstioRouting
{
    public string VirtualService { get; init; } = "";

    /// <summary>Names of the HTTP routes to weight; empty: every HTTP route that sends to the stable host.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    /// <summary>Subset routing: both subsets of the stable host; Canaria adds pod-template-hash to their labels.</summary>
    public IstioDestinationRule? DestinationRule { get; init; }
}

internal sealed record IstioDestinationRule
{
    public string Name { get; init; } = "";
    public string StableSubset { get; init; } = "stable";
    public string CanarySubset { get; init; } = "canary";
}

/// <summary>SMI TrafficSplit (split.smi-spec.io): the apex Service's traffic split over the stable and canary Services.</summary>
internal sealed record SmiRouting
{
    /// <summary>Name of the TrafficSplit; empty: the Rollout's name. Created (and deleted) by Canaria if missing.</summary>
    public string TrafficSplit { get; init; } = "";

    /// <summary>The apex (root) Service clients call.</summary>
    public string RootService { get; init; } = "";

    public string ApiVersion { get; init; } = "split.smi-spec.io/v1alpha2";
}

/// <summary>ingress-nginx: Canaria keeps a &lt;ingress&gt;-canary copy of the user's Ingress with the canary annotations.</summary>
internal sealed record NginxRouting
{
    public string Ingress { get; init; } = "";
    public string AnnotationPrefix { get; init; } = "nginx.ingress.kubernetes.io";
}

/// <summary>Gateway API: backendRef weights on the rules of the user's HTTPRoute that reference the stable Service.</summary>
internal sealed record GatewayApiRouting
{
    public string HttpRoute { get; init; } = "";
}
