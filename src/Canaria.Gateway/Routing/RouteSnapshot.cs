using System.Collections.Frozen;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Routing;

/// <summary>An immutable, compiled routing config. A request reads one snapshot and uses it to the end.</summary>
internal sealed class RouteSnapshot(GatewayConfig config, string canonicalJson, FrozenDictionary<string, ListenerRoutes> listeners, CompiledService[] services)
{
    public static RouteSnapshot Empty { get; } = new(new GatewayConfig(), "", FrozenDictionary<string, ListenerRoutes>.Empty, []);

    public GatewayConfig Config { get; } = config;

    /// <summary>The config serialized canonically; equal text means an equal config.</summary>
    public string CanonicalJson { get; } = canonicalJson;

    public string? VersionHeader { get; } = string.IsNullOrEmpty(config.VersionHeader) ? null : config.VersionHeader;

    public FrozenDictionary<string, ListenerRoutes> Listeners { get; } = listeners;

    public CompiledService[] Services { get; } = services;
}
