namespace Canaria.Kubernetes.Routing;

/// <summary>Everything one apply needs to shape the Istio objects: who asks, which objects and routes, how to split, the target.</summary>
internal sealed record IstioRequest(string Rollout, string VirtualService, IReadOnlyList<string> Routes, IstioSplit Split, RouteTarget Target);
