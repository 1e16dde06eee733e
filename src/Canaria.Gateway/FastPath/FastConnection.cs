using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// One client connection on a fast-path listener. A receive loop fills a pipe (so a client that goes away is noticed
/// at once, even while the gateway waits for an upstream, and cancels that wait); the request loop parses heads from
/// the pipe and hands each request to <see cref="FastExchange"/>. Continuations run inline: no thread hop between the
/// socket and the request.
/// </summary>
internal sealed class FastConnection : IDisposable
{
    private static readonly PipeOptions Options = new(
        pool: MemoryPool<byte>.Shared, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, minimumSegmentSize: 16 * 1024, useSynchronizationContext: false);

    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);
    private readonly FastListener _listener;
    private readonly Pipe _pipe = new(Options);
    private readonly CancellationTokenSource _aborted = new();
    private readonly FastExchange _exchange;
    private byte[]? _scratch;
    private Http2.Http2ClientSession? _http2;
    private int _disposed;

    public FastConnection(FastListener listener, Socket socket)
    {
        _listener = listener;
        Socket = socket;
        var ip = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        ClientAddress = ip is { IsIPv4MappedToIPv6: true } ? ip.MapToIPv4() : ip;
        _exchange = new FastExchange(this, listener.Context, listener.Name, Encoding.ASCII.GetBytes(ClientAddress?.ToString() ?? ""));
    }

    public Socket Socket { get; }

    public FastExchange Exchange => _exchange;

    public IPAddress? ClientAddress { get; }

    public PipeReader Input => _pipe.Reader;

    /// <summary>Cancelled when the client closes or resets the connection, or the gateway aborts it.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Timestamp since the connection waits for a request head; 0 while a request is being served.</summary>
    public long WaitingSince { get; private set; }

    /// <summary>Some bytes of the next head have arrived (a slow head gets a shorter timeout than an idle keep-alive).</summary>
    public bool PartialHead { get; private set; }

    public bool Draining => _listener.Draining;

    /// <summary>An HTTP/2 connection has streams in flight: not idle (for the keep-alive sweep and shutdown).</summary>
    public void MarkBusy() => WaitingSince = 0;

    /// <summary>An HTTP/2 connection's last stream ended: idle since now.</summary>
    public void MarkIdle() => WaitingSince = _listener.Context.Time.GetTimestamp();

    /// <summary>Shutdown or handover: an HTTP/2 connection sends GOAWAY and closes after its streams in flight.</summary>
    public void BeginDrain() => Volatile.Read(ref _http2)?.BeginDrain();

    /// <summary>An HTTP/2 connection: after its GOAWAY it closes itself once its last frames left (gracefully, with a FIN).</summary>
    public bool IsHttp2 => Volatile.Read(ref _http2) is not null;

    /// <summary>An idle HTTP/2 connection's keep-alive ran out: true when it was sent GOAWAY now (false: not HTTP/2, or sent before).</summary>
    public bool TryDrainIdle() => Volatile.Read(ref _http2) is { } session && session.BeginDrain();

    public async Task RunAsync()
    {
        var receiving = ReceiveAsync();
        try
        {
            await ServeAsync().ConfigureAwait(false);
            await CloseGracefullyAsync(receiving).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the connection was aborted: nothing to answer.
        }
        finally
        {
            Dispose();

            // The reader completes first: a receive loop waiting for room in a full pipe (a client that sent more than
            // was read, as a hostile HTTP/2 peer does) then ends instead of waiting forever.
            await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await receiving.ConfigureAwait(false);
            _exchange.Dispose();
            if (_scratch is not null) ArrayPool<byte>.Shared.Return(_scratch);
            _aborted.Dispose();
        }
    }

    /// <summary>Closes the connection now (idle timeout, shutdown); a request in flight sees its client abort.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }

    /// <summary>
    /// Ends the connection with a FIN after the last response and waits (up to <see cref="LingerTimeout"/>) for the client
    /// to close its side. Closing a socket with a receive pending makes .NET reset it, and a reset can destroy the last
    /// response before the client has read it.
    /// </summary>
    private async Task CloseGracefullyAsync(Task receiving)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        Socket.Shutdown(SocketShutdown.Send);
        try
        {
            await receiving.WaitAsync(LingerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task ServeAsync()
    {
        var head = _exchange.Request;
        while (true)
        {
            WaitingSince = _listener.Context.Time.GetTimestamp();
            PartialHead = false;
            ReadResult read;
            HeadStatus status;
            ReadOnlyMemory<byte> bytes;
            while (true)
            {
                read = await Input.ReadAsync(Aborted).ConfigureAwait(false);
                bytes = Contiguous(read.Buffer);
                status = head.Parse(bytes.Span);
                if (status != HeadStatus.Incomplete) break;
                if (read.IsCompleted || read.IsCanceled) return;
                PartialHead = !read.Buffer.IsEmpty;
                Input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }

            WaitingSince = 0;
            if (_listener.Protocols == Config.ListenerProtocols.Http2 && status != HeadStatus.Http2Preface)
            {
                // An HTTP/2-only listener: what is not h2c gets the answer of Kestrel's HTTP/2-only endpoint.
                Input.AdvanceTo(read.Buffer.Start);
                await _listener.HandToFullPathAsync(this, h2cPreface: true).ConfigureAwait(false);
                return;
            }

            switch (status)
            {
                case HeadStatus.Http2Preface:
                    Input.AdvanceTo(read.Buffer.Start);
                    if (_listener.Context.Http2 && _listener.Protocols != Config.ListenerProtocols.Http1)
                    {
                        var session = new Http2.Http2ClientSession(this, _listener);
                        Volatile.Write(ref _http2, session);
                        MarkIdle();
                        await session.RunAsync().ConfigureAwait(false); // it sends GOAWAY after its SETTINGS when draining
                        return;
                    }

                    await _listener.HandToFullPathAsync(this, h2cPreface: true).ConfigureAwait(false);
                    return;
                case HeadStatus.Complete:
                    var next = await _exchange.ServeAsync(read.Buffer, bytes).ConfigureAwait(false);
                    if (next == NextStep.HandToFullPath)
                    {
                        Input.AdvanceTo(read.Buffer.Start);
                        await _listener.HandToFullPathAsync(this, h2cPreface: false).ConfigureAwait(false);
                        return;
                    }

                    if (next == NextStep.Close) return; // a response that promised keep-alive keeps it, even if draining began since
                    break;
                default:
                    await RejectHeadAsync(status).ConfigureAwait(false);
                    return;
            }
        }
    }

    /// <summary>A head the fast path will not forward: answered like Kestrel answers it, then the connection closes.</summary>
    private async Task RejectHeadAsync(HeadStatus status)
    {
        var (code, message) = status switch
        {
            HeadStatus.TooLarge => (431, "the request headers are too large"),
            HeadStatus.UriTooLong => (414, "the request line is too long"),
            _ => (400, "the request is malformed"),
        };
        await SendAsync(ClientResponseWriter.Error(code, message, null, null, close: true), Aborted).ConfigureAwait(false);
    }

    /// <summary>The bytes read so far as one block: the pipe's segment when they fit in one, else a copy (up to the head limit).</summary>
    private ReadOnlyMemory<byte> Contiguous(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment) return buffer.First;
        var length = (int)Math.Min(buffer.Length, RequestHead.MaxHeadBytes + 1);
        _scratch ??= ArrayPool<byte>.Shared.Rent(RequestHead.MaxHeadBytes + 1);
        buffer.Slice(0, length).CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }

    private async Task ReceiveAsync()
    {
        var writer = _pipe.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var read = await Socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (read == 0) break;
                writer.Advance(read);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            error = e;
        }
        finally
        {
            // The client closed or reset: whatever is in flight for it is aborted (as Kestrel's RequestAborted does).
            try
            {
                _aborted.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }
}
