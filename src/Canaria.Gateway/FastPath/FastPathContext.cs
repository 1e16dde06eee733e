using System.Collections.Concurrent;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.FastPath;

/// <summary>What every fast-path connection of a gateway shares: the runtime, the mirror sender and the upstream pools.</summary>
internal sealed class FastPathContext(GatewayRuntime runtime, MirrorSender mirror, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<EndpointState, UpstreamPool> _pools = new();

    public GatewayRuntime Runtime { get; } = runtime;

    public GoldenSignals Signals => Runtime.Signals;

    public TimeProvider Time => Runtime.Signals.Time;

    public MirrorSender Mirror { get; } = mirror;

    public ILogger Logger { get; } = logger;

    public UpstreamPool PoolFor(EndpointState endpoint) =>
        _pools.TryGetValue(endpoint, out var pool) ? pool : _pools.GetOrAdd(endpoint, e => new UpstreamPool(e, Time));

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Clear();
        _pools.Clear();
    }
}
