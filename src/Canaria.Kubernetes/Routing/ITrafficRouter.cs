namespace Canaria.Kubernetes.Routing;

/// <summary>
/// One data plane's way of splitting traffic between the stable and canary Services. Implementations change only what
/// they own, record the user's original values in the object itself (RouterContext.OriginalAnnotation) in the same
/// update as the change, and verify every apply by reading the object back.
/// </summary>
internal interface ITrafficRouter
{
    /// <summary>"istio", "smi", "nginx" or "gatewayAPI" — the key under spec.trafficRouting.</summary>
    string Name { get; }

    /// <summary>Makes the target live (no write when it already is; 409 retried after a fresh read) and reports what was read back.</summary>
    Task<RouterOutcome> ApplyAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back everything Canaria changed: the user's objects get their recorded original parts back (edits the user
    /// made elsewhere meanwhile survive) and lose the annotation; objects Canaria created are deleted. Idempotent; a
    /// missing object is not an error.
    /// </summary>
    Task<RouterOutcome> RestoreAsync(RouterContext context, CancellationToken cancellationToken);
}
