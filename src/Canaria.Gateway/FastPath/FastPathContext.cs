using System.Collections.Concurrent;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.FastPath;

/// <summary>What every fast-path connection of a gateway shares: the runtime, the mirror sender and the upstream pools.</summary>
internal sealed class FastPathContext(GatewayRuntime runtime, MirrorSender mirror, ILogger logger, bool http2 = true) : IDisposable
{
    private readonly ConcurrentDictionary<EndpointState, UpstreamPool> _pools = new();
    private readonly ConcurrentDictionary<EndpointState, Http2.Http2UpstreamPool> _http2Pools = new();

    /// <summary>h2c client connections are proxied by the fast path's own HTTP/2 loop (else handed to Kestrel whole).</summary>
    public bool Http2 { get; } = http2;

    public Http2.Http2Counters Http2Counters { get; } = new();

    public GatewayRuntime Runtime { get; } = runtime;

    public GoldenSignals Signals => Runtime.Signals;

    public TimeProvider Time => Runtime.Signals.Time;

    public MirrorSender Mirror { get; } = mirror;

    public ILogger Logger { get; } = logger;

    public UpstreamPool PoolFor(EndpointState endpoint) =>
        _pools.TryGetValue(endpoint, out var pool) ? pool : _pools.GetOrAdd(endpoint, e => new UpstreamPool(e, Time));

    public Http2.Http2UpstreamPool Http2PoolFor(EndpointState endpoint) =>
        _http2Pools.TryGetValue(endpoint, out var pool) ? pool : _http2Pools.GetOrAdd(endpoint, e => new Http2.Http2UpstreamPool(e, Time));

    /// <summary>Closes HTTP/2 upstream connections idle for <see cref="Http2.Http2UpstreamPool.IdleTimeout"/> (all idle ones with zero).</summary>
    public void SweepHttp2(TimeSpan idle)
    {
        var now = Time.GetTimestamp();
        foreach (var pool in _http2Pools.Values) pool.Sweep(now, idle);
    }

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Clear();
        _pools.Clear();
        SweepHttp2(TimeSpan.Zero);
        _http2Pools.Clear();
    }
}
