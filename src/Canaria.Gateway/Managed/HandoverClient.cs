using System.Net.Sockets;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;

namespace Canaria.Gateway.Managed;

/// <summary>
/// The successor's side of a handover: asks the serving gateway for its listening sockets and config, and once this
/// process serves on them, commits (the old one then drains and exits). Disposing without committing hands nothing over.
/// </summary>
internal sealed class HandoverClient : IDisposable
{
    private readonly Socket _channel;

    private HandoverClient(Socket channel, IReadOnlyList<InheritedListener> listeners, GatewayConfig? config)
    {
        _channel = channel;
        Listeners = listeners;
        Config = config;
    }

    public IReadOnlyList<InheritedListener> Listeners { get; }

    /// <summary>The config the old process served when it froze (null when it sent none that parses).</summary>
    public GatewayConfig? Config { get; }

    /// <summary>
    /// Asks for the listening sockets: <c>takeover</c> (a successor gateway: commit later, the sender then drains and exits)
    /// or, with <paramref name="lend"/>, copies for a controller to hold (taken with FD_CLOEXEC; close them with
    /// <see cref="SocketPassing.Close(Socket)"/>, never Dispose). A successor takes them without FD_CLOEXEC unless
    /// <paramref name="closeOnExec"/> says otherwise (a process that starts others meanwhile and must not pass them on).
    /// </summary>
    public static HandoverClient TakeOver(string handoverSocket, string token, TimeSpan timeout, bool lend = false, bool? closeOnExec = null)
    {
        var channel = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        var listeners = new List<InheritedListener>();
        try
        {
            channel.Connect(new UnixDomainSocketEndPoint(handoverSocket));
            channel.Blocking = true;
            SocketPassing.Send(channel, new HandoverMessage { Op = lend ? "lend" : "takeover", Token = token, Pid = Environment.ProcessId }.Encode(), null);
            var config = new StringBuilder();
            while (true)
            {
                if (!channel.Poll(timeout, SelectMode.SelectRead)) throw new TimeoutException($"the serving gateway sent nothing for {timeout.TotalSeconds:0} s");
                var (payload, fd) = SocketPassing.Receive(channel, closeOnExec: closeOnExec ?? lend);
                var socket = fd is { } d ? new Socket(new SafeSocketHandle(d, ownsHandle: true)) : null;
                var message = HandoverMessage.Decode(payload);
                switch (message)
                {
                    case { Op: "listener", Name: { } name, Address: { } address } when socket is not null:
                        listeners.Add(new InheritedListener(name, address, socket));
                        continue;
                    case { Op: "config", Text: { } text }:
                        config.Append(text);
                        break;
                    case { Op: "ready" }:
                        var parsed = config.Length == 0 ? null : GatewayConfigLoader.Parse(config.ToString()).Config;
                        return new HandoverClient(channel, listeners, parsed);
                    case { Op: "error", Pid: not null, Text: var handedOver }:
                        throw new HandedOverException($"the serving gateway refused the takeover: {handedOver}");
                    case { Op: "error", Text: var error }:
                        throw new IOException($"the serving gateway refused the takeover: {error}");
                    case null:
                        throw new IOException("the serving gateway closed the handover before sending its listeners");
                }

                if (socket is not null) SocketPassing.Close(socket);
            }
        }
        catch
        {
            foreach (var l in listeners) SocketPassing.Close(l.Socket);
            channel.Dispose();
            throw;
        }
    }

    /// <summary>Tells the old process that this one serves now: it stops accepting and drains.</summary>
    public void Commit() => SocketPassing.Send(_channel, new HandoverMessage { Op = "commit" }.Encode(), null);

    public void Dispose() => _channel.Dispose();
}
