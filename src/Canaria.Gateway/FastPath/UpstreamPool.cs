using System.Net.Sockets;
using System.Net;
using Canaria.Gateway.Health;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Idle keep-alive connections to one endpoint (most recently used first), and new connections with a connect timeout.
/// A connection idle for longer than <see cref="MaxIdle"/> is closed rather than reused: upstreams close idle
/// connections on their own schedule (nginx after 75 s, Kestrel after 130 s), and a reused dead one costs a retry.
/// A connection whose parked receive completed while idle (the upstream closed or reset it) is dropped when met, and the
/// idle age at which that happened is remembered (see <see cref="TakeIdle"/>).
/// </summary>
internal sealed class UpstreamPool(EndpointState endpoint, TimeProvider time)
{
    public const int MaxIdleConnections = 512;
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(1);
    private readonly Stack<UpstreamConnection> _idle = new();
    private readonly Lock _lock = new();
    private EndPoint? _endPoint;
    private long _closedAt = long.MaxValue;
    private long _learnedAt;

    public EndpointState Endpoint { get; } = endpoint;

    /// <summary>The Host header value sent upstream (the endpoint's authority), encoded once.</summary>
    public byte[] Authority { get; } = System.Text.Encoding.ASCII.GetBytes(endpoint.Authority);

    /// <summary>
    /// The most recently used idle connection, or null. A request that must not be sent twice (<paramref name="once"/>)
    /// asks the kernel too whether the upstream closed it (<see cref="UpstreamConnection.PeerClosedOrSentNow"/>), and takes
    /// none that has been idle for half the age at which this upstream was seen to close idle connections: a close the
    /// upstream decides at the moment the request arrives cannot be seen before writing, so such a request opens a new
    /// connection rather than ride one near the upstream's keep-alive timeout.
    /// </summary>
    public UpstreamConnection? TakeIdle(bool once)
    {
        var now = time.GetTimestamp();
        while (true)
        {
            UpstreamConnection? connection;
            lock (_lock)
            {
                if (!_idle.TryPeek(out connection)) return null;

                // The youngest is too old, so all are: left for requests that may be sent again, unless already closed.
                if (once && now - connection.IdleSince >= SafeAge(now) && !connection.PeerClosedOrSent) return null;
                _idle.Pop();
            }

            if (time.GetElapsedTime(connection.IdleSince, now) >= MaxIdle)
            {
                connection.Dispose();
                continue;
            }

            if (connection.PeerClosedOrSent || (once && connection.PeerClosedOrSentNow()))
            {
                NoteClosedAt(now - connection.IdleSince);
                connection.Dispose();
                continue;
            }

            return connection;
        }
    }

    /// <summary>
    /// Learns that the upstream closed a connection idle for <paramref name="idleAge"/> (timestamp ticks) or less (found
    /// closed when taken). The shortest such age is kept, and forgotten after <see cref="Forget"/> unless a close at that age
    /// or younger is seen again (an upstream restart closes young connections too). A close after a request was written is not counted: it may be an
    /// upstream that read the request and died, not its keep-alive timeout.
    /// </summary>
    internal void NoteClosedAt(long idleAge)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            // Only a new shortest age (or the same again) renews it: a minimum that is not seen again is forgotten after
            // Forget even while longer idle closes keep coming, so one restart's young closes cannot pin it for ever.
            if (idleAge <= _closedAt || time.GetElapsedTime(_learnedAt, now) > Forget)
            {
                _closedAt = idleAge;
                _learnedAt = now;
            }
        }
    }

    /// <summary>The idle age (timestamp ticks) above which a request that must not be sent twice takes no pooled connection now.</summary>
    internal long SafeAgeNow()
    {
        var now = time.GetTimestamp();
        lock (_lock) return SafeAge(now);
    }

    /// <summary>Half the shortest idle age at which the upstream closed a connection; no limit before one was seen. Under the lock.</summary>
    private long SafeAge(long now) => _closedAt == long.MaxValue || time.GetElapsedTime(_learnedAt, now) > Forget ? long.MaxValue : _closedAt / 2;

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
