using Canaria.Gateway.Forwarding;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// How one upstream attempt of the fast path ended. <see cref="Status"/> is the relayed status (or 408 for a request
/// body that did not arrive in time); <see cref="Detail"/> may name the upstream and is for logs only.
/// </summary>
internal readonly record struct FastResult(ForwardOutcome Outcome, int Status = 0, bool KeepAlive = false, string? Detail = null);
