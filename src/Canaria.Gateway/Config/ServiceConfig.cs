namespace Canaria.Gateway.Config;

/// <summary>One routed service: requests matching its hosts and path prefix are split between its versions.</summary>
internal sealed record ServiceConfig
{
    public string Name { get; init; } = "";

    /// <summary>Listener name; null serves the service on every listener.</summary>
    public string? Listener { get; init; }

    /// <summary>Host names (exact, or <c>*.suffix</c>, or <c>*</c>); empty matches any host.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    public string PathPrefix { get; init; } = "/";

    /// <summary>By convention the first version is the stable one.</summary>
    public IReadOnlyList<VersionConfig> Versions { get; init; } = [];

    /// <summary>Match rules, evaluated in order before weights; the first match wins.</summary>
    public IReadOnlyList<RuleConfig> Rules { get; init; } = [];

    public StickyConfig? Sticky { get; init; }

    public MirrorConfig? Mirror { get; init; }

    public TimeoutConfig Timeouts { get; init; } = new();

    public HealthConfig Health { get; init; } = new();

    /// <summary>Set for a gRPC service; null otherwise.</summary>
    public GrpcConfig? Grpc { get; init; }
}
