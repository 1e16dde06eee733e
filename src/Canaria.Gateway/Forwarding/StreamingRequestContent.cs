using System.Buffers;
using System.Net;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Streams the client's request body upstream as it arrives (no buffering); remembers whether any of it was sent,
/// and whether reading the client's side failed, so a broken request body is never blamed on the upstream.
/// </summary>
internal sealed class StreamingRequestContent(Stream body) : HttpContent
{
    private int _started;
    private Exception? _readFailure;

    /// <summary>True once the upstream call started reading the body; after that the request must not be retried.</summary>
    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>
    /// The error reading the client's body (malformed framing, too large, connection broken mid-body), if any; also set
    /// when the upstream call was cancelled (request timeout) while waiting for the client to send more of its body.
    /// </summary>
    public Exception? ReadFailure => Volatile.Read(ref _readFailure);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _started, 1);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            // Flushed only when the client's next bytes are not there yet: a body that has fully arrived (a unary gRPC
            // request) goes out with its end in one write, and a stream that pauses is never held back in the gateway.
            var next = ReadClientAsync(buffer, cancellationToken);
            int read;
            while ((read = await next.ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                next = ReadClientAsync(buffer, cancellationToken);
                if (!next.IsCompleted)
                {
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    private async ValueTask<int> ReadClientAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A slow sender, not a slow upstream: the gateway was waiting for the client when time ran out.
            Volatile.Write(ref _readFailure, new TimeoutException("the request body did not arrive within the request timeout"));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Kestrel throws BadHttpRequestException (an IOException) for bad framing and size or rate limits,
            // and IOExceptions when the connection breaks: all on the client's side of the gateway.
            Volatile.Write(ref _readFailure, e);
            throw;
        }
    }
}
