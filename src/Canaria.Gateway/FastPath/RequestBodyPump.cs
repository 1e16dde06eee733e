using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Streams a request body from the client's pipe to the upstream as it arrives, framing unchanged: exactly
/// Content-Length bytes, or chunks checked by a <see cref="ChunkedScanner"/> and forwarded verbatim. Runs next to the
/// wait for the response head; a client-side failure cancels that wait.
/// </summary>
internal static class RequestBodyPump
{
    public static async Task<BodyResult> SendAsync(FastConnection client, RequestHead request, Socket upstream, CancellationTokenSource timeout)
    {
        var input = client.Input;
        var remaining = request.Chunked ? long.MaxValue : request.ContentLength;
        var scanner = default(ChunkedScanner);
        while (remaining > 0 && !scanner.IsDone)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The deadline passed: the client's lateness only if the rest of its body is still missing.
                if (client.Aborted.IsCancellationRequested) return Fail(BodyResult.ClientGone, timeout);
                return RestBuffered(input, request.Chunked, remaining, scanner) ? BodyResult.UpstreamFailed : Fail(BodyResult.ClientTooSlow, timeout);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                return Fail(BodyResult.ClientGone, timeout);
            }

            var buffer = read.Buffer;
            long taken = 0;
            var result = BodyResult.Sent;
            foreach (var segment in buffer)
            {
                var n = request.Chunked ? scanner.Scan(segment.Span) : (int)Math.Min(segment.Length, remaining);
                if (scanner.IsError)
                {
                    result = BodyResult.Malformed;
                    break;
                }

                if (!request.Chunked) remaining -= n;
                if (n > 0 && !await FastRelay.TrySendAsync(upstream, segment[..n], timeout.Token).ConfigureAwait(false))
                {
                    result = BodyResult.UpstreamFailed;
                    break;
                }

                taken += n;
                if (remaining == 0 || scanner.IsDone) break;
            }

            input.AdvanceTo(buffer.GetPosition(taken));
            if (result != BodyResult.Sent) return Fail(result, timeout);
            if (read.IsCompleted && remaining > 0 && !scanner.IsDone) return Fail(BodyResult.ClientGone, timeout);
        }

        return BodyResult.Sent;
    }

    /// <summary>
    /// Whether the whole body already arrived (it is in the client's pipe), asked before the pump runs; the pump asks
    /// the same for the rest of it. Reads nothing away; a pipe the client broke counts as not arrived.
    /// </summary>
    public static bool IsBuffered(PipeReader input, RequestHead request) =>
        RestBuffered(input, request.Chunked, request.Chunked ? long.MaxValue : request.ContentLength, default);

    private static bool RestBuffered(PipeReader input, bool chunked, long remaining, ChunkedScanner scanner)
    {
        ReadResult read;
        try
        {
            if (!input.TryRead(out read)) return !chunked && remaining == 0;
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidOperationException)
        {
            return false;
        }

        var buffer = read.Buffer;
        var arrived = !chunked && buffer.Length >= remaining;
        if (chunked)
        {
            foreach (var segment in buffer)
            {
                scanner.Scan(segment.Span);
                if (scanner.IsDone || scanner.IsError) break;
            }

            arrived = scanner.IsDone;
        }

        input.AdvanceTo(buffer.Start);
        return arrived;
    }

    /// <summary>A failure on the client's side wakes the wait for the response head (the exchange is lost either way).</summary>
    private static BodyResult Fail(BodyResult result, CancellationTokenSource timeout)
    {
        if (result is not BodyResult.UpstreamFailed)
        {
            try
            {
                timeout.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return result;
    }
}
