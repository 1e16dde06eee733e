namespace Canaria.Gateway.Config;

/// <summary>One routed service: requests matching its hosts and path prefix are split between its versions.</summary>
internal sealed record ServiceConfig
{
    public string Name { get; set; } = "";

    /// <summary>Listener name; null serves the service on every listener.</summary>
    public string? Listener { get; init; }

    /// <summary>Host names (exact, or <c>*.suffix</c>, or <c>*</c>); empty matches any host.</summary>
    public IReadOnlyList<string> Hosts { get; set; } = [];

    public string PathPrefix { get; set; } = "/";

    /// <summary>By convention the first version is the stable one.</summary>
    public IReadOnlyList<VersionConfig> Versions { get; set; } = [];

    /// <summary>Match rules, evaluated in order before weights; the first match wins.</summary>
    public IReadOnlyList<RuleConfig> Rules { get; set; } = [];

    public StickyConfig? Sticky { get; init; }

    public MirrorConfig? Mirror { get; init; }

    public TimeoutConfig Timeouts { get; set; } = new();

    public HealthConfig Health { get; set; } = new();

    /// <summary>Set for a gRPC service; null otherwise.</summary>
    public GrpcConfig? Grpc { get; init; }
}
