using Canaria.Gateway.Config;

namespace Canaria.Gateway.Hosting;

/// <summary>Binds the data-plane listeners of a config, in two phases so a bind failure can reject the whole config.</summary>
internal interface IListenerBinder
{
    /// <summary>Binds listeners that are new or moved; on any failure unbinds what it just bound and returns the errors.</summary>
    Task<IReadOnlyList<ConfigError>> PrepareAsync(GatewayConfig config, CancellationToken cancellationToken);

    /// <summary>After the new snapshot is live: unbinds listeners the config no longer has (letting in-flight requests finish).</summary>
    Task CommitAsync(GatewayConfig config, CancellationToken cancellationToken);
}
