using System.Net.Sockets;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Managed;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Gateway;

/// <summary>
/// Copies of the gateway's listening sockets, held by the controller. While the gateway process runs they change nothing;
/// when it dies they keep the sockets open, so clients' connections wait in the listen queues instead of being refused,
/// and the gateway the controller starts next takes them from here (the same handover protocol, on
/// <c>gateway/lend-&lt;controller pid&gt;.sock</c>) and serves what waited. Held with FD_CLOEXEC, so no replica inherits them,
/// and closed with <see cref="SocketPassing.Close(Socket)"/>, which never stops the socket for the gateway.
/// </summary>
internal sealed class ListenerLender : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly Socket _server;
    private readonly string _token;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IReadOnlyList<InheritedListener> _held = [];

    private ListenerLender(Socket server, string path, string token, ILogger logger)
    {
        _server = server;
        Path = path;
        _token = token;
        _logger = logger;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Path { get; }

    public int Count
    {
        get
        {
            lock (_gate) return _held.Count;
        }
    }

    public static ListenerLender Start(string path, string token, ILogger logger)
    {
        AtomicFile.TryDelete(path);
        var server = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            server.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, AtomicFile.PrivateFile);
            server.Listen(4);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return new ListenerLender(server, path, token, logger);
    }

    /// <summary>Replaces the held copies by copies of what the gateway listens on now. A failure keeps nothing (and is logged).</summary>
    public async Task BorrowAsync(string handoverSocket, CancellationToken ct)
    {
        if (await TryBorrowAsync(handoverSocket, ct).ConfigureAwait(false) is not { } problem) return;
        GatewayProcessLog.BorrowFailed(_logger, problem.Message);
        Release();
    }

    /// <summary>
    /// Replaces the held copies by copies of what the gateway listens on now. When it lends none (it is gone, does not
    /// answer, or handed its listeners over to a successor: a <see cref="HandedOverException"/>) the copies held so far
    /// are kept, and why is returned.
    /// </summary>
    public async Task<Exception?> TryBorrowAsync(string handoverSocket, CancellationToken ct)
    {
        IReadOnlyList<InheritedListener> fresh;
        try
        {
            fresh = await Task.Run(() =>
            {
                using var lent = HandoverClient.TakeOver(handoverSocket, _token, Timeout, lend: true);
                return lent.Listeners;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            return e;
        }
        Replace(fresh);
        return null;
    }

    /// <summary>Closes every held copy (the gateway's own descriptors are not touched).</summary>
    public void Release() => Replace([]);

    private void Replace(IReadOnlyList<InheritedListener> fresh)
    {
        IReadOnlyList<InheritedListener> old;
        lock (_gate)
        {
            old = _held;
            _held = fresh;
        }
        foreach (var l in old) SocketPassing.Close(l.Socket);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket channel;
            try
            {
                channel = await _server.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            using (channel)
            {
                try
                {
                    channel.Blocking = true;
                    var hello = HandoverProtocol.Receive(channel, Timeout);
                    if (hello is not { Op: "takeover" } || !AdminAuth.TokenEquals(hello.Token, _token)) continue;
                    lock (_gate) HandoverProtocol.SendListeners(channel, _held, null);
                    HandoverProtocol.Receive(channel, TimeSpan.FromSeconds(60)); // commit, or the successor went away
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException)
                {
                    GatewayProcessLog.BorrowFailed(_logger, "lending the listening sockets to a new gateway: " + e.Message);
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _server.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        Release();
        AtomicFile.TryDelete(Path);
        _stop.Dispose();
    }
}
