namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The forms one Service's host takes in Istio objects: <c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c> and
/// <c>svc.ns.svc.&lt;cluster domain&gt;</c>. A canary host is written in the same form as the stable host it replaces.
/// </summary>
internal sealed record IstioHosts(string Service, string Namespace)
{
    public bool Matches(string? host)
    {
        if (string.IsNullOrEmpty(host)) return false;
        var parts = host.Split('.');
        if (!string.Equals(parts[0], Service, StringComparison.OrdinalIgnoreCase)) return false;
        return parts.Length switch
        {
            1 => true,
            2 => SameNamespace(parts[1]),
            _ => SameNamespace(parts[1]) && string.Equals(parts[2], "svc", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary><paramref name="stableHost"/> with its Service name replaced by <paramref name="otherService"/>.</summary>
    public static string SameForm(string stableHost, string otherService)
    {
        var dot = stableHost.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? otherService : otherService + stableHost[dot..];
    }

    public string Describe() => $"{Service} (or {Service}.{Namespace}.svc.cluster.local)";

    private bool SameNamespace(string ns) => string.Equals(ns, Namespace, StringComparison.OrdinalIgnoreCase);
}
