using System.Net.Sockets;
using System.Net;
using Canaria.Gateway.Health;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Idle keep-alive connections to one endpoint (most recently used first), and new connections with a connect timeout.
/// A connection idle for longer than <see cref="MaxIdle"/> is closed rather than reused: upstreams close idle
/// connections on their own schedule (nginx after 75 s, Kestrel after 130 s), and a reused dead one costs a retry.
/// A connection whose parked receive completed while idle (the upstream closed or reset it) is dropped when met.
/// </summary>
internal sealed class UpstreamPool(EndpointState endpoint, TimeProvider time)
{
    public const int MaxIdleConnections = 512;
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private readonly Stack<UpstreamConnection> _idle = new();
    private readonly Lock _lock = new();
    private EndPoint? _endPoint;

    public EndpointState Endpoint { get; } = endpoint;

    /// <summary>The Host header value sent upstream (the endpoint's authority), encoded once.</summary>
    public byte[] Authority { get; } = System.Text.Encoding.ASCII.GetBytes(endpoint.Authority);

    public UpstreamConnection? TakeIdle()
    {
        var now = time.GetTimestamp();
        while (true)
        {
            UpstreamConnection? connection;
            lock (_lock)
            {
                if (!_idle.TryPop(out connection)) return null;
            }

            if (time.GetElapsedTime(connection.IdleSince, now) < MaxIdle && !connection.PeerClosedOrSent) return connection;
            connection.Dispose();
        }
    }

    public void Return(UpstreamConnection connection)
    {
        connection.Reused = true;
        connection.IdleSince = time.GetTimestamp();
        if (!connection.Park())
        {
            connection.Dispose();
            return;
        }

        lock (_lock)
        {
            // The lock also publishes the parked receive to the thread that takes the connection.
            if (_idle.Count < MaxIdleConnections)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>Opens a new connection; a <see cref="SocketException"/> or <see cref="OperationCanceledException"/> (timeout) means nothing was sent.</summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(TimeSpan timeout, CancellationToken aborted)
    {
        _endPoint ??= IPAddress.TryParse(Endpoint.Host, out var ip) ? new IPEndPoint(ip, Endpoint.Port) : new DnsEndPoint(Endpoint.Host, Endpoint.Port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            cts.CancelAfter(timeout);
            await socket.ConnectAsync(_endPoint, cts.Token).ConfigureAwait(false);
            return new UpstreamConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            while (_idle.TryPop(out var connection)) connection.Dispose();
        }
    }
}
