using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// After an upstream answered 101 Switching Protocols: completes the client's upgrade (or takes the stream of an
/// accepted HTTP/2 WebSocket CONNECT) and copies bytes both ways
/// (WebSocket frames or any other upgraded protocol, untouched) until either side closes, then closes the other.
/// </summary>
internal static class UpgradeTunnel
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Returns once the tunnel is closed. The session counts as one answer (101) of the version, however it ended.</summary>
    public static async ValueTask RunAsync(IHttpUpgradeFeature upgrade, Stream upstream, CancellationToken aborted) =>
        await RunAsync(await upgrade.UpgradeAsync().ConfigureAwait(false), upstream, aborted).ConfigureAwait(false);

    /// <summary>The same for a client stream already switched (an HTTP/2 extended CONNECT the gateway accepted).</summary>
    public static async ValueTask RunAsync(Stream client, Stream upstream, CancellationToken aborted)
    {
        await using (client.ConfigureAwait(false))
        await using (upstream.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var fromClient = PumpAsync(client, upstream, stop.Token);
            var toClient = PumpAsync(upstream, client, stop.Token);
            await Task.WhenAny(fromClient, toClient).ConfigureAwait(false);

            // One side closed (or broke): the tunnel is over for both.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(fromClient, toClient).ConfigureAwait(false);
        }
    }

    /// <summary>Copies until the source ends, breaks or the tunnel is stopped.</summary>
    private static async Task PumpAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Http.HttpRequestException)
        {
            // A broken or stopped direction ends the tunnel like a clean close does.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
