namespace Canaria.Gateway.Config;

/// <summary>One version of a service (stable, canary, ...) with its share of traffic and its endpoints.</summary>
internal sealed record VersionConfig
{
    public string Name { get; set; } = "";

    /// <summary>Relative weight, any non-negative integer; 0 means no weighted traffic at all.</summary>
    public int Weight { get; init; }

    /// <summary>Endpoints as <c>host:port</c>.</summary>
    public IReadOnlyList<string> Endpoints { get; set; } = [];

    public BalancingPolicy Balancing { get; set; } = BalancingPolicy.RoundRobin;

    /// <summary>Null: see <see cref="UpstreamProtocol"/> for the default.</summary>
    public UpstreamProtocol? Protocol { get; init; }
}
