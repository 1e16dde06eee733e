using System.Net.Sockets;
using Canaria.Gateway.Admin;
using Canaria.Gateway.Hosting;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Managed;

/// <summary>
/// The serving gateway's side of a zero-downtime replacement. A successor process connects to the handover socket
/// (0600) with the token; this side freezes config changes, sends every listening socket (SCM_RIGHTS) and the config
/// that serves, and waits for <c>commit</c>: from then on both processes accept on the same sockets, and this one stops
/// accepting, lets requests in flight finish and exits (<see cref="HandedOver"/>); any later request is refused at once.
/// A successor that fails or goes away before committing changes nothing here.
/// </summary>
internal sealed class HandoverServer : IAsyncDisposable
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(60);
    private readonly Socket _listener;
    private readonly string _path;
    private readonly string _token;
    private readonly GatewayHost _host;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<int> _handedOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<int>? _abandoned;
    private Task _loop = Task.CompletedTask;

    private HandoverServer(Socket listener, string path, string token, GatewayHost host, ILogger logger, Action<int>? abandoned)
    {
        _listener = listener;
        _path = path;
        _token = token;
        _host = host;
        _logger = logger;
        _abandoned = abandoned;
    }

    /// <summary>Completes with the successor's pid once it has committed.</summary>
    public Task<int> HandedOver => _handedOver.Task;

    /// <summary>
    /// Listens on <paramref name="path"/>. <paramref name="abandoned"/> is told the pid of a successor that took the sockets
    /// and went away (or timed out) without committing: this process serves on, and may have to say so again.
    /// </summary>
    public static HandoverServer Start(string path, string token, GatewayHost host, ILogger logger, Action<int>? abandoned = null)
    {
        AtomicFile.TryDelete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, AtomicFile.PrivateFile);
            socket.Listen(4);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var server = new HandoverServer(socket, path, token, host, logger, abandoned);
        server._loop = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket channel;
            try
            {
                channel = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (channel)
            {
                try
                {
                    await ServeAsync(channel).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException or ObjectDisposedException or ArgumentException)
                {
                    ManagedGatewayLog.HandoverFailed(_logger, e.Message);
                }
                finally
                {
                    if (!_handedOver.Task.IsCompleted) _host.Runtime.Unfreeze();
                }
            }
        }
    }

    private async Task ServeAsync(Socket channel)
    {
        channel.Blocking = true;
        var hello = HandoverProtocol.Receive(channel, TimeSpan.FromSeconds(10));
        if (hello is not { Op: "takeover" or "lend", Pid: { } pid } || !AdminAuth.TokenEquals(hello.Token, _token))
        {
            SocketPassing.Send(channel, new HandoverMessage { Op = "error", Text = "a takeover needs the state directory's token" }.Encode(), null);
            return;
        }

        if (_handedOver.Task.IsCompleted)
        {
            // Drained meanwhile: the sockets belong to the successor now. Said at once, so a controller asking whether this
            // process still serves (after the successor failed) need not wait for a timeout.
            // The successor's pid rides along: only this refusal tells the asker that this process no longer serves.
            var successor = _handedOver.Task.Result;
            SocketPassing.Send(channel, new HandoverMessage { Op = "error", Pid = successor, Text = $"this gateway handed its listeners over to pid {successor} and is draining" }.Encode(), null);
            return;
        }

        if (hello.Op == "lend")
        {
            // The controller keeps copies of the listening sockets, so a successor started after this process dies
            // gets the same sockets and connections wait in their queue instead of being refused.
            HandoverProtocol.SendListeners(channel, _host.Listeners.Snapshot(), null);
            return;
        }

        await _host.Runtime.FreezeAsync($"the gateway is handing its listeners to a new process (pid {pid})", _stop.Token).ConfigureAwait(false);
        var listeners = _host.Listeners.Snapshot();
        HandoverProtocol.SendListeners(channel, listeners, _host.Runtime.Snapshot.CanonicalJson);
        var answer = HandoverProtocol.Receive(channel, CommitTimeout);
        if (answer is not { Op: "commit" })
        {
            ManagedGatewayLog.HandoverAbandoned(_logger, pid);
            _abandoned?.Invoke(pid);
            return;
        }

        ManagedGatewayLog.HandedOver(_logger, pid);
        _handedOver.TrySetResult(pid);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        AtomicFile.TryDelete(_path);
        _stop.Dispose();
    }
}
