namespace Canaria.Gateway.Config;

/// <summary>The whole routing configuration of one gateway; validated and compiled as one unit.</summary>
internal sealed record GatewayConfig
{
    public IReadOnlyList<ListenerConfig> Listeners { get; set; } = [];

    /// <summary>Response header naming the version that served; null or empty turns it off.</summary>
    public string? VersionHeader { get; set; } = "x-canaria-version";

    public IReadOnlyList<ServiceConfig> Services { get; set; } = [];
}
