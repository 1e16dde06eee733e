namespace Canaria.Kubernetes.Routing;

/// <summary>
/// What a router read back from the API server after applying: the live weight, match count and mirror share.
/// Verified is true only when the read-back object carries exactly the requested target.
/// </summary>
internal sealed record RouterState(string Router, bool Verified, int CanaryWeight, int Matches, int MirrorPercent, string? Message = null)
{
    /// <summary>The user's object the router works on does not exist (never verified, whatever else is true).</summary>
    public bool Missing { get; init; }

    /// <summary>
    /// Set when the object no longer carried the split Canaria had verified on it (someone edited it): which object and
    /// field, the value found and Canaria's, which this apply wrote back.
    /// </summary>
    public string? Drift { get; init; }
}

/// <summary>The result of an apply or restore: the state read back, or why it could not be done (missing object, API error, unsupported shape).</summary>
internal sealed record RouterOutcome(RouterState? State, string? Error)
{
    public bool Ok => Error is null;

    /// <summary>The failure is a user's object that does not exist (a VirtualService, an HTTPRoute, an Ingress, an apex Service).</summary>
    public bool Missing { get; init; }

    public static RouterOutcome Fail(string error) => new(null, error);

    public static RouterOutcome NotFound(string error) => new(null, error) { Missing = true };

    /// <summary>At rest: nothing to hand back because the user's object is gone — done, but not verified.</summary>
    public static RouterOutcome Gone(string router, string message) => new(new RouterState(router, false, 0, 0, 0, message) { Missing = true }, null);
}
