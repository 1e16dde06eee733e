using System.Net.Sockets;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// A raw two-way copy between a client connection and an upstream socket: after a 101 (WebSocket or any HTTP/1.1
/// Upgrade), and for connections handed to the full path. When one side ends, the other side's sending half is shut
/// so it can finish; both sockets close when both directions are done (or 10 s after the first ended).
/// </summary>
internal static class FastTunnel
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(FastConnection client, UpstreamConnection upstream)
    {
        var up = ClientToUpstreamAsync(client, upstream.Socket);
        var down = UpstreamToClientAsync(upstream, client);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        try
        {
            (first == up ? upstream.Socket : client.Socket).Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        try
        {
            await Task.WhenAll(up, down).WaitAsync(Linger).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        client.Dispose();
        upstream.Dispose();
        await Task.WhenAll(up, down).ConfigureAwait(false);
    }

    private static async Task ClientToUpstreamAsync(FastConnection client, Socket upstream)
    {
        try
        {
            while (true)
            {
                var read = await client.Input.ReadAsync().ConfigureAwait(false);
                foreach (var segment in read.Buffer)
                {
                    if (!await FastRelay.TrySendAsync(upstream, segment, CancellationToken.None).ConfigureAwait(false)) return;
                }

                client.Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled) return;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static async Task UpstreamToClientAsync(UpstreamConnection upstream, FastConnection client)
    {
        try
        {
            if (upstream.End > upstream.Start) await client.SendAsync(upstream.Buffer.AsMemory(upstream.Start, upstream.End - upstream.Start), CancellationToken.None).ConfigureAwait(false);
            while (true)
            {
                upstream.Start = upstream.End = 0;
                if (await upstream.ReadMoreAsync(CancellationToken.None).ConfigureAwait(false) == 0) return;
                await client.SendAsync(upstream.Buffer.AsMemory(0, upstream.End), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
        }
    }
}
