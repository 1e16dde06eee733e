using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// A plain-HTTP listener served by the fast path: accepts on its own socket (or one inherited from the gateway process
/// it replaces), runs a <see cref="FastConnection"/> per client, closes connections idle for 130 s (or 30 s with a
/// partial head, against slow heads), and on shutdown stops accepting, closes idle connections and lets requests in
/// flight finish for up to 10 s. Connections it does not serve are handed to Kestrel servers of the same listener on
/// 127.0.0.1 (which see the real client's address), each started on first need: an HTTP/2 prior-knowledge preface to an HTTP/2-only one (Kestrel answers h2c
/// only there), a request of a service with HTTP/2 upstreams to one speaking the listener's HTTP/1.1.
/// </summary>
internal sealed class FastListener : IDataListener
{
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(130);
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<FastConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<bool> _draining;
    private readonly Func<ListenerProtocols, HandedOffClients, CancellationToken, Task<ListenerServer>> _startFullPath;
    private readonly Lock _fullPathLock = new();
    private readonly HandedOffClients _handedOff = new();
    private Task<ListenerServer>? _h2cFullPath;
    private Task<ListenerServer>? _http1FullPath;
    private ITimer? _sweeper;
    private Task _accepting = Task.CompletedTask;

    private FastListener(ListenerConfig config, Socket socket, FastPathContext context, Func<bool> draining, Func<ListenerProtocols, HandedOffClients, CancellationToken, Task<ListenerServer>> startFullPath)
    {
        Name = config.Name;
        ConfiguredAddress = config.Address;
        Protocols = config.Protocols;
        ListenSocket = socket;
        Context = context;
        _draining = draining;
        _startFullPath = startFullPath;
        BoundAddress = new Uri($"http://{socket.LocalEndPoint}");
    }

    public string Name { get; }

    public string ConfiguredAddress { get; }

    public ListenerProtocols Protocols { get; }

    /// <summary>Always null: TLS listeners are served by Kestrel.</summary>
    public CertificateReloader? Tls => null;

    public Uri BoundAddress { get; }

    public Socket ListenSocket { get; }

    public FastPathContext Context { get; }

    /// <summary>Handed over or shutting down: every response closes its connection.</summary>
    public bool Draining => _stopping.IsCancellationRequested || _draining();

    public static FastListener Start(ListenerConfig config, IPEndPoint endPoint, FastPathContext context, Socket? inherited, Func<bool> draining, Func<ListenerProtocols, HandedOffClients, CancellationToken, Task<ListenerServer>> startFullPath)
    {
        var socket = inherited ?? SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint);
        try
        {
            // Other processes may hold this socket (a successor gateway, the controller's copies): close, never shut down.
            if (OperatingSystem.IsLinux()) Managed.SocketPassing.KeepOnDispose(socket);
            if (inherited is null) socket.Listen(512);
        }
        catch
        {
            if (inherited is null) socket.Dispose();
            throw;
        }

        var listener = new FastListener(config, socket, context, draining, startFullPath);
        listener._sweeper = context.Time.CreateTimer(static s => ((FastListener)s!).Sweep(), listener, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        listener._accepting = listener.AcceptAsync();
        return listener;
    }

    /// <summary>
    /// Hands a connection, from the first byte the fast path left unread, to a Kestrel server of this listener (raw
    /// copy both ways): <paramref name="h2cPreface"/> to the HTTP/2-only one (unless this listener is HTTP/1.1-only,
    /// whose Kestrel refuses the preface as it would on the Kestrel engine), else to the HTTP/1.1 one.
    /// </summary>
    public async Task HandToFullPathAsync(FastConnection connection, bool h2cPreface)
    {
        var http2 = h2cPreface && Protocols != ListenerProtocols.Http1;
        FastPathLog.HandedToFullPath(Context.Logger, Name, h2cPreface ? "HTTP/2 prior knowledge" : "a request of a service with HTTP/2 upstreams");
        var (socket, port) = await ConnectFullPathAsync(connection, http2, connection.Aborted).ConfigureAwait(false);
        try
        {
            await FastTunnel.RunAsync(connection, new UpstreamConnection(socket)).ConfigureAwait(false);
        }
        finally
        {
            ReleaseFullPath(port);
        }
    }

    /// <summary>
    /// A loopback connection to this listener's HTTP/2-only Kestrel server (started on first need) for the HTTP/2 loop's
    /// streams it does not serve itself, registered so that Kestrel sees <paramref name="connection"/>'s client; the
    /// caller releases the port with <see cref="ReleaseFullPath"/> when the connection ends.
    /// </summary>
    public ValueTask<(Socket Socket, int Port)> ConnectFullPathAsync(FastConnection connection, CancellationToken cancellationToken) =>
        ConnectFullPathAsync(connection, http2: true, cancellationToken);

    public void ReleaseFullPath(int port) => _handedOff.Remove(port);

    private async ValueTask<(Socket Socket, int Port)> ConnectFullPathAsync(FastConnection connection, bool http2, CancellationToken cancellationToken)
    {
        Task<ListenerServer> start;
        lock (_fullPathLock)
        {
            start = http2
                ? _h2cFullPath ??= _startFullPath(ListenerProtocols.Http2, _handedOff, _stopping.Token)
                : _http1FullPath ??= _startFullPath(ListenerProtocols.Http1, _handedOff, _stopping.Token);
        }

        var server = await start.ConfigureAwait(false);

        // Bound first, so Kestrel can find the real client by this socket's port from its first byte (X-Forwarded-For).
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var port = 0;
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (connection.Socket.RemoteEndPoint is IPEndPoint client)
            {
                _handedOff.Add(port, client.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(client.Address.MapToIPv4(), client.Port) : client);
            }

            await socket.ConnectAsync(IPAddress.Loopback, server.BoundAddress.Port, cancellationToken).ConfigureAwait(false);
            return (socket, port);
        }
        catch
        {
            _handedOff.Remove(port);
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Closes this process's copy of the listening socket: the accept loop ends, connections already accepted are served
    /// on, and the socket itself stays open in the process it was handed to.
    /// </summary>
    public void StopAccepting() => ListenSocket.Dispose();

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        ListenSocket.Dispose();
        await _accepting.ConfigureAwait(false);
        var deadline = Context.Time.GetTimestamp();
        foreach (var connection in _connections.Keys) connection.BeginDrain(); // HTTP/2: GOAWAY, then close after the streams in flight
        while (!_connections.IsEmpty && Context.Time.GetElapsedTime(deadline) < ShutdownTimeout)
        {
            foreach (var connection in _connections.Keys)
            {
                connection.BeginDrain();
                // An HTTP/2 connection whose last stream ended may still be sending its tail: disposing it now would reset it
                // and destroy what the client has not read yet; it closes itself (or at the timeout below).
                if (connection.WaitingSince != 0 && !connection.PartialHead && !connection.IsHttp2) connection.Dispose();
            }

            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys) connection.Dispose();
        if (_sweeper is not null) await _sweeper.DisposeAsync().ConfigureAwait(false);
        await StopFullPathAsync(_h2cFullPath).ConfigureAwait(false);
        await StopFullPathAsync(_http1FullPath).ConfigureAwait(false);

        _stopping.Dispose();
    }

    private static async Task StopFullPathAsync(Task<ListenerServer>? fullPath)
    {
        if (fullPath is null) return;
        try
        {
            await (await fullPath.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await ListenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection reset before it was accepted, or out of descriptors for a moment
            }

            socket.NoDelay = true;
            var connection = new FastConnection(this, socket);
            _connections[connection] = 0;
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(FastConnection connection)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever went wrong belongs to this one connection: it is closed, the listener serves on.
            connection.Dispose();
            FastPathLog.ConnectionFailed(Context.Logger, Name, e);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    private void Sweep()
    {
        var now = Context.Time.GetTimestamp();
        var draining = Draining;
        Context.SweepHttp2(Http2.Http2UpstreamPool.IdleTimeout);
        foreach (var connection in _connections.Keys)
        {
            if (draining) connection.BeginDrain();
            var since = connection.WaitingSince;
            if (since != 0 && Context.Time.GetElapsedTime(since, now) > (connection.PartialHead ? HeadTimeout : KeepAliveTimeout))
            {
                // An idle HTTP/2 connection gets GOAWAY first (a stream the client opens meanwhile is known unprocessed, and
                // retried); it closes itself, or at the next sweep if it did not.
                if (connection.PartialHead || !connection.TryDrainIdle()) connection.Dispose();
            }
        }
    }
}
