namespace Canaria.Gateway.Config;

/// <summary>Outcome of parsing config text: a config, or errors naming the line or field.</summary>
internal sealed record ConfigLoadResult(GatewayConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Config is not null;
}
