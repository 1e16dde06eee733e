namespace Canaria.Kubernetes.Routing;

/// <summary>
/// What a router read back from the API server after applying: the live weight, match count and mirror share.
/// Verified is true only when the read-back object carries exactly the requested target.
/// </summary>
internal sealed record RouterState(string Router, bool Verified, int CanaryWeight, int Matches, int MirrorPercent, string? Message = null);

/// <summary>The result of an apply or restore: the state read back, or why it could not be done (missing object, API error, unsupported shape).</summary>
internal sealed record RouterOutcome(RouterState? State, string? Error)
{
    public bool Ok => Error is null;

    public static RouterOutcome Fail(string error) => new(null, error);
}
