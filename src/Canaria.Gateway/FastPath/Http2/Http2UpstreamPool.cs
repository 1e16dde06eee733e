using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Health;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// The HTTP/2 connections to one endpoint, shared by every client connection: a stream goes on the first connection
/// that has room under the upstream's SETTINGS_MAX_CONCURRENT_STREAMS, else on a new one. A connection that got a
/// GOAWAY or failed leaves the pool at once (its streams finish on it); one without streams for
/// <see cref="IdleTimeout"/> is closed by the listener's sweep.
/// </summary>
internal sealed class Http2UpstreamPool(EndpointState endpoint, TimeProvider time)
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    private readonly Lock _lock = new();
    private readonly List<Http2UpstreamSession> _sessions = [];
    private readonly byte[] _authority = System.Text.Encoding.ASCII.GetBytes(endpoint.Authority);
    private EndPoint? _endPoint;

    public EndpointState Endpoint { get; } = endpoint;

    /// <summary>Opens <paramref name="stream"/> on a connection with room (connecting a new one when none has).</summary>
    public void Open(Http2Stream stream, TimeSpan connectTimeout, FlushList flush)
    {
        Http2UpstreamSession fresh;
        lock (_lock)
        {
            foreach (var session in _sessions)
            {
                if (session.TryOpen(stream, flush)) return;
            }

            fresh = new Http2UpstreamSession(ConnectAsync, Remove, time, _authority);
            _sessions.Add(fresh);
            fresh.TryOpen(stream, flush);
        }

        fresh.Start(connectTimeout);
    }

    /// <summary>Closes connections idle for <see cref="IdleTimeout"/> (or all idle ones, with <see cref="TimeSpan.Zero"/>).</summary>
    public void Sweep(long now, TimeSpan idle)
    {
        Http2UpstreamSession[] sessions;
        lock (_lock) sessions = [.. _sessions];
        foreach (var session in sessions) session.CloseIfIdle(now, idle);
    }

    private void Remove(Http2UpstreamSession session)
    {
        lock (_lock) _sessions.Remove(session);
    }

    private async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        _endPoint ??= IPAddress.TryParse(Endpoint.Host, out var ip) ? new IPEndPoint(ip, Endpoint.Port) : new DnsEndPoint(Endpoint.Host, Endpoint.Port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
