using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// A request body that had wholly arrived when its request was forwarded: it is sent from the client's pipe without
/// being consumed, and consumed only once the response head came and its send ended (or the exchange ended), so a request
/// that met a stale keep-alive connection can be sent again, body and all. A body still arriving is streamed instead
/// (<see cref="RequestBodyPump"/>) and cannot be replayed.
/// </summary>
internal static class HeldBody
{
    /// <summary>
    /// The body's length when all of it is in the pipe (0 for none), framing included for chunked; -1 when some is still
    /// to come, its chunked framing is bad (the pump reports that), or the client waits for a 100 Continue.
    /// </summary>
    public static long Measure(PipeReader input, RequestHead request)
    {
        if (!request.HasBody) return 0;
        if (request.ExpectContinue) return -1;
        if (!TryRead(input, out var read)) return -1;
        var buffer = read.Buffer;
        var length = -1L;
        if (!request.Chunked)
        {
            if (buffer.Length >= request.ContentLength) length = request.ContentLength;
        }
        else
        {
            var scanner = default(ChunkedScanner);
            var scanned = 0L;
            foreach (var segment in buffer)
            {
                scanned += scanner.Scan(segment.Span);
                if (scanner.IsDone || scanner.IsError) break;
            }

            if (scanner.IsDone) length = scanned;
        }

        input.AdvanceTo(buffer.Start);
        return length;
    }

    /// <summary>Copies the held body after the head in <paramref name="destination"/> when it fits there; false when it does not.</summary>
    public static bool TryCopy(PipeReader input, long length, Span<byte> destination)
    {
        if (length > destination.Length || !TryRead(input, out var read)) return false;
        read.Buffer.Slice(0, length).CopyTo(destination);
        input.AdvanceTo(read.Buffer.Start);
        return true;
    }

    /// <summary>
    /// Sends the held body (too large to go with the head) from the pipe, leaving it there: runs next to the wait for the
    /// response head and keeps the pipe read until it ends, so the body is consumed (<see cref="Release"/>) only after.
    /// </summary>
    public static async Task<BodyResult> SendAsync(PipeReader input, long length, Socket upstream, CancellationToken cancellationToken)
    {
        if (!TryRead(input, out var read)) return BodyResult.UpstreamFailed;
        try
        {
            foreach (var segment in read.Buffer.Slice(0, length))
            {
                if (!await FastRelay.TrySendAsync(upstream, segment, cancellationToken).ConfigureAwait(false)) return BodyResult.UpstreamFailed;
            }

            return BodyResult.Sent;
        }
        finally
        {
            input.AdvanceTo(read.Buffer.Start);
        }
    }

    /// <summary>Consumes the held body: the request is answered (or given up), and the next request's head follows it.</summary>
    public static void Release(PipeReader input, long length)
    {
        if (length <= 0 || !TryRead(input, out var read)) return;
        input.AdvanceTo(read.Buffer.GetPosition(Math.Min(length, read.Buffer.Length)));
    }

    /// <summary>Reads what is buffered; false when nothing is, or the client broke the connection (the pipe then throws).</summary>
    private static bool TryRead(PipeReader input, out ReadResult read)
    {
        try
        {
            return input.TryRead(out read);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidOperationException)
        {
            read = default;
            return false;
        }
    }
}
