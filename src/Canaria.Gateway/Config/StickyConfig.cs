namespace Canaria.Gateway.Config;

/// <summary>
/// Cookie-based stickiness: a client routed to a non-first (canary) version keeps it while that
/// version's weight is above zero. Clients of the first (stable) version are not pinned, so they can
/// move to the canary as its weight grows.
/// </summary>
internal sealed record StickyConfig
{
    public bool Enabled { get; init; }

    public string CookieName { get; set; } = "canaria-version";
}
