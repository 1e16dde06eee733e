using Canaria.Gateway.Config;
using Canaria.Gateway.Health;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// The live state of one gateway: the current routing snapshot (swapped atomically), endpoint health
/// and golden signals. <see cref="Apply"/> validates, compiles, binds listeners and swaps; a rejected
/// config changes nothing. Re-applying an identical config is a cheap no-op that keeps all state.
/// </summary>
internal sealed class GatewayRuntime : IDisposable
{
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly ILogger _logger;
    private RouteSnapshot _snapshot = RouteSnapshot.Empty;
    private string? _frozen;

    public GatewayRuntime(GatewayRuntimeOptions? options = null)
    {
        Options = options ?? new GatewayRuntimeOptions();
        Signals = new GoldenSignals(Options.Time);
        _logger = Options.LoggerFactory.CreateLogger("Canaria.Gateway");
    }

    public GatewayRuntimeOptions Options { get; }

    /// <summary>New for every runtime (process): counters and marks belong to it, and start at zero with it.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public GoldenSignals Signals { get; }

    public EndpointRegistry Endpoints { get; } = new();

    /// <summary>The snapshot requests start on; read once per request.</summary>
    public RouteSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public GatewayConfig Current => Snapshot.Config;

    /// <summary>Number of configs actually swapped in (identical re-applies do not count).</summary>
    public int Generation { get; private set; }

    internal IListenerBinder? Binder { get; set; }

    /// <summary>
    /// Called under the apply lock after a changed config went live (a managed gateway persists it here), so
    /// what is on disk never lags behind or runs ahead of what serves.
    /// </summary>
    internal Func<GatewayConfig, string, CancellationToken, ValueTask>? OnApplied { get; set; }

    /// <summary>Refuses every apply with <paramref name="reason"/> until <see cref="Unfreeze"/> (while listeners move to another process).</summary>
    public async ValueTask FreezeAsync(string reason, CancellationToken cancellationToken)
    {
        await _applyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        _frozen = reason;
        _applyLock.Release();
    }

    public void Unfreeze() => Volatile.Write(ref _frozen, null);

    public ConfigApplyResult Apply(GatewayConfig config) =>
        ApplyAsync(config, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public async ValueTask<ConfigApplyResult> ApplyAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var canonical = GatewayConfigJson.Serialize(config);
        await _applyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (string.Equals(canonical, Snapshot.CanonicalJson, StringComparison.Ordinal))
            {
                return ConfigApplyResult.Ok;
            }

            if (Volatile.Read(ref _frozen) is { } frozen)
            {
                return ConfigApplyResult.Rejected([new ConfigError("", frozen)]);
            }

            var errors = GatewayConfigValidator.Validate(config);
            var snapshot = errors.Count == 0 ? SnapshotCompiler.Compile(config, canonical, Endpoints, Signals) : null;
            var before = Snapshot;
            if (errors.Count == 0 && Binder is not null)
            {
                // A listener accepts as soon as it is bound. The first config's routes go live before that: a successor
                // gateway's listeners are sockets with clients already queued, which would otherwise meet no route (404).
                // Nothing was served before it, so a config that then fails to bind leaves nothing else changed.
                if (Generation == 0) Volatile.Write(ref _snapshot, snapshot!);
                errors = await Binder.PrepareAsync(config, cancellationToken).ConfigureAwait(false);
            }

            if (errors.Count > 0)
            {
                Volatile.Write(ref _snapshot, before);
                GatewayLog.ConfigRejected(_logger, string.Join("; ", errors));
                return ConfigApplyResult.Rejected(errors);
            }

            Volatile.Write(ref _snapshot, snapshot!);
            Generation++;
            if (Binder is not null)
            {
                await Binder.CommitAsync(config, cancellationToken).ConfigureAwait(false);
            }

            Retain(snapshot!);
            if (OnApplied is { } onApplied)
            {
                await onApplied(config, canonical, cancellationToken).ConfigureAwait(false);
            }

            GatewayLog.ConfigApplied(_logger, config.Services.Count, config.Listeners.Count);
            return ConfigApplyResult.Ok;
        }
        finally
        {
            _applyLock.Release();
        }
    }

    public void Dispose() => _applyLock.Dispose();

    private void Retain(RouteSnapshot snapshot)
    {
        var endpoints = new List<(string, string)>();
        var versions = new HashSet<(string, string)>();
        foreach (var listener in snapshot.Config.Listeners)
        {
            versions.Add((listener.Name, GoldenSignals.NoRouteVersion));
        }

        foreach (var service in snapshot.Config.Services)
        {
            versions.Add((service.Name, GoldenSignals.UnroutedVersion));
            foreach (var version in service.Versions)
            {
                versions.Add((service.Name, version.Name));
                versions.Add((service.Name, version.Name + "/mirror"));
                endpoints.AddRange(version.Endpoints.Select(e => (service.Name, e)));
            }
        }

        Endpoints.Retain(endpoints);
        Signals.Retain(versions);
    }
}
