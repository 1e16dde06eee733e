using System.Net.Sockets;
using Canaria.Gateway.Hosting;

namespace Canaria.Gateway.Managed;

/// <summary>The sending half of the listener handover, shared by a serving gateway and a controller that holds copies of its sockets.</summary>
internal static class HandoverProtocol
{
    /// <summary>At most 6 bytes per char once JSON-escaped (\uXXXX): a chunk stays far below the 64 KiB message limit.</summary>
    private const int ChunkChars = 8 * 1024;

    /// <summary>Sends one <c>listener</c> message per socket (the descriptor rides along), the config in chunks, then <c>ready</c>.</summary>
    public static void SendListeners(Socket channel, IEnumerable<InheritedListener> listeners, string? config)
    {
        foreach (var listener in listeners)
        {
            var message = new HandoverMessage { Op = "listener", Name = listener.Name, Address = listener.ConfiguredAddress };
            SocketPassing.Send(channel, message.Encode(), (int)listener.Socket.SafeHandle.DangerousGetHandle());
        }

        config ??= "";
        for (var offset = 0; offset < config.Length; offset += ChunkChars)
        {
            var chunk = config.Substring(offset, Math.Min(ChunkChars, config.Length - offset));
            SocketPassing.Send(channel, new HandoverMessage { Op = "config", Text = chunk }.Encode(), null);
        }

        SocketPassing.Send(channel, new HandoverMessage { Op = "ready" }.Encode(), null);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for one message; null when the peer closed.</summary>
    public static HandoverMessage? Receive(Socket channel, TimeSpan timeout)
    {
        if (!channel.Poll(timeout, SelectMode.SelectRead)) throw new TimeoutException($"no handover message within {timeout.TotalSeconds:0} s");
        var (payload, fd) = SocketPassing.Receive(channel, closeOnExec: true);
        if (fd is { } unexpected) SocketPassing.Close(unexpected);
        return HandoverMessage.Decode(payload);
    }
}
