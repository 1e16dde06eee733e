using System.Collections.Concurrent;
using Canaria.Gateway.Config;
using Canaria.Gateway.Forwarding;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// The live listeners of a gateway, bound and unbound as configs change: served by the fast path
/// (<paramref name="fastPath"/>) or one Kestrel server each. A listener keeps its server (and port) while its name and
/// address stay the same.
/// </summary>
internal sealed class KestrelListenerSet(ProxyPipeline pipeline, ILoggerFactory loggerFactory, TimeProvider time, FastPath.FastPathContext? fastPath = null) : IListenerBinder, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IDataListener> _live = new(StringComparer.Ordinal);
    private readonly List<IDataListener> _retiring = [];
    private readonly ILogger _logger = loggerFactory.CreateLogger("Canaria.Gateway.Listeners");

    private readonly ConcurrentDictionary<string, InheritedListener> _inherited = new(StringComparer.Ordinal);
    private volatile bool _draining;

    /// <summary>
    /// After a handover: every response closes its connection, so clients move to the successor cleanly, and the fast
    /// listeners stop accepting at once (the successor accepts on the same sockets), so no connection is accepted here in
    /// the last moment before this process closes it unanswered.
    /// </summary>
    public void StartDraining()
    {
        _draining = true;
        foreach (var listener in _live.Values.OfType<FastPath.FastListener>()) listener.StopAccepting();
    }

    /// <summary>
    /// Listening sockets handed over by the gateway process this one replaces: a listener of the same name and
    /// configured address starts on the inherited socket instead of binding anew. Unused ones are closed at the next commit.
    /// </summary>
    public void Inherit(IEnumerable<InheritedListener> listeners)
    {
        foreach (var l in listeners) _inherited[l.Name] = l;
    }

    /// <summary>The live listeners with their listening sockets, for a handover to a successor process.</summary>
    public IReadOnlyList<InheritedListener> Snapshot() =>
        [.. _live.Values.Select(s => new InheritedListener(s.Name, s.ConfiguredAddress, s.ListenSocket))];

    /// <summary>The live listeners (Kestrel's or the fast path's).</summary>
    internal IEnumerable<IDataListener> Live => _live.Values;

    /// <summary>Listener name → bound address (port 0 resolved).</summary>
    public IReadOnlyDictionary<string, Uri> Addresses => _live.ToDictionary(kv => kv.Key, kv => kv.Value.BoundAddress, StringComparer.Ordinal);

    public async Task<IReadOnlyList<ConfigError>> PrepareAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        var started = new List<(string Name, IDataListener Server)>();
        var reused = new List<(IDataListener Server, ListenerTlsConfig? Tls)>();
        var errors = new List<ConfigError>();
        for (var i = 0; i < config.Listeners.Count; i++)
        {
            var listener = config.Listeners[i];
            if (_live.TryGetValue(listener.Name, out var current) && current.ConfiguredAddress == listener.Address)
            {
                if (ListenerChange.Check(current, listener, $"listeners[{i}]") is { } change)
                {
                    errors.Add(change);
                }
                else if (listener.Tls is { } newTls && !CertificateReloader.TryLoad(newTls, out _, out var loadError))
                {
                    errors.Add(new ConfigError($"listeners[{i}].tls.certificateFile", $"cannot load the certificate and key: {loadError}"));
                }
                else
                {
                    reused.Add((current, listener.Tls));
                }

                continue;
            }

            if (!ListenerAddress.TryParse(listener.Address, out var endPoint, out var parseError))
            {
                errors.Add(new ConfigError($"listeners[{i}].address", parseError));
                continue;
            }

            CertificateReloader? tls = null;
            if (listener.Tls is { } tlsConfig
                && (tls = CertificateReloader.TryStart(listener.Name, tlsConfig, time, _logger, out var tlsError)) is null)
            {
                errors.Add(new ConfigError($"listeners[{i}].tls.certificateFile", $"cannot load the certificate and key: {tlsError}"));
                continue;
            }

            _inherited.TryGetValue(listener.Name, out var inherited);
            var socket = inherited is not null && inherited.ConfiguredAddress == listener.Address ? inherited.Socket : null;
            try
            {
                var server = await StartListenerAsync(listener, endPoint, tls, socket, cancellationToken).ConfigureAwait(false);
                if (socket is not null) _inherited.TryRemove(listener.Name, out _);
                started.Add((listener.Name, server));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                tls?.Dispose();
                errors.Add(new ConfigError($"listeners[{i}].address", $"cannot bind '{listener.Address}': {e.Message}"));
            }
        }

        if (errors.Count > 0)
        {
            foreach (var (_, server) in started)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            return errors;
        }

        foreach (var (server, tls) in reused)
        {
            server.Tls?.Update(tls!);
        }

        foreach (var (name, server) in started)
        {
            if (_live.TryGetValue(name, out var replaced))
            {
                _retiring.Add(replaced);
            }

            _live[name] = server;
            GatewayLog.ListenerBound(_logger, name, server.BoundAddress.ToString());
        }

        return errors;
    }

    public async Task CommitAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        var names = config.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in _live.Keys.Where(n => !names.Contains(n)).ToList())
        {
            if (_live.TryRemove(name, out var server))
            {
                _retiring.Add(server);
            }
        }

        foreach (var (name, unused) in _inherited.ToList())
        {
            if (_inherited.TryRemove(name, out _)) unused.Socket.Dispose();
        }

        var retiring = _retiring.ToList();
        _retiring.Clear();
        foreach (var server in retiring)
        {
            await StopAsync(server).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _live.Values.Concat(_retiring).ToList())
        {
            await StopAsync(server).ConfigureAwait(false);
        }

        _live.Clear();
        _retiring.Clear();
    }

    /// <summary>
    /// Plain-TCP listeners go to the fast path (when it is on; HTTP/2-only ones only with its HTTP/2 loop on); TLS
    /// listeners stay wholly on Kestrel. A fast-path listener hands what it does not serve (h2c streams it does not proxy
    /// itself, or whole h2c connections with CANARIA_GATEWAY_H2=kestrel, requests of services with HTTP/2 upstreams) to
    /// Kestrel servers of the same listener on loopback, started on first need: HTTP/2-only for h2c, HTTP/1.1 for
    /// requests (Kestrel's Http1AndHttp2 without TLS would refuse h2c prior knowledge).
    /// </summary>
    private async Task<IDataListener> StartListenerAsync(ListenerConfig listener, System.Net.IPEndPoint endPoint, CertificateReloader? tls, System.Net.Sockets.Socket? inherited, CancellationToken cancellationToken)
    {
        if (fastPath is null || tls is not null || (listener.Protocols == ListenerProtocols.Http2 && !fastPath.Http2))
        {
            return await ListenerServer.StartAsync(listener, endPoint, tls, pipeline, loggerFactory, cancellationToken, inherited, () => _draining).ConfigureAwait(false);
        }

        var loopback = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);
        return FastPath.FastListener.Start(listener, endPoint, fastPath, inherited, () => _draining,
            (protocols, handedOff, ct) => ListenerServer.StartAsync(listener with { Address = "127.0.0.1:0", Protocols = protocols }, loopback, null, pipeline, loggerFactory, ct, null, () => _draining, handedOff));
    }

    private async Task StopAsync(IDataListener server)
    {
        try
        {
            await server.DisposeAsync().ConfigureAwait(false);
            GatewayLog.ListenerUnbound(_logger, server.Name);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            GatewayLog.ListenerStopFailed(_logger, server.Name, e.Message);
        }
    }
}
