using Canaria.Gateway.Config;

namespace Canaria.Gateway.Hosting;

/// <summary>Thrown only by <see cref="GatewayHost.StartAsync"/> when the initial config is rejected; later configs are results.</summary>
internal sealed class GatewayConfigException(IReadOnlyList<ConfigError> errors)
    : Exception("the gateway config was rejected: " + string.Join("; ", errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
