using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// One keep-alive connection to an endpoint, with its own read buffer. Returned to its <see cref="UpstreamPool"/> only
/// after a response that left it clean (fully read, no "Connection: close", nothing extra buffered).
/// While idle in the pool it keeps a receive parked on its socket (as Go's transport keeps its read loop and
/// SocketsHttpHandler a read-ahead): a close, a reset or stray bytes from the upstream complete that receive, so a
/// connection the upstream dropped is seen before it is reused, not after a request was written to it. A receive that is
/// still pending when the connection is taken becomes the first read of the response, so a reuse costs no extra call.
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    public const int BufferSize = 16 * 1024;
    private ValueTask<int> _parked;
    private bool _isParked;
    private int _disposed;

    public UpstreamConnection(Socket socket)
    {
        Socket = socket;
        Buffer = ArrayPool<byte>.Shared.Rent(ResponseHead.MaxHeadBytes + 1);
    }

    public Socket Socket { get; }

    /// <summary>Response bytes read but not consumed are <c>Buffer[Start..End]</c>.</summary>
    public byte[] Buffer { get; }

    public int Start { get; set; }

    public int End { get; set; }

    /// <summary>Served a request before (a failure before any response byte may then be a stale keep-alive, worth one retry).</summary>
    public bool Reused { get; set; }

    /// <summary>When it went idle (TimeProvider timestamp).</summary>
    public long IdleSince { get; set; }

    public ReadOnlySpan<byte> Buffered => Buffer.AsSpan(Start, End - Start);

    /// <summary>
    /// For an idle connection: whether the upstream closed it, reset it or sent bytes nobody asked for (its parked
    /// receive completed). Such a connection must not carry a request.
    /// </summary>
    public bool PeerClosedOrSent => _isParked && _parked.IsCompleted;

    /// <summary>
    /// The same asked of the kernel now (a poll, one system call): a close or reset that already arrived but whose parked
    /// receive the socket engine has not completed yet. For a request that must not be sent twice, that lag is the window
    /// in which it would be written to a connection already closed.
    /// </summary>
    public bool PeerClosedOrSentNow()
    {
        try
        {
            return Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// Parks a receive on the idle connection (its buffer is empty); false when it completed at once: the upstream
    /// already closed the connection or sent something after the response, so it is not fit for reuse.
    /// </summary>
    public bool Park()
    {
        Start = End = 0;
        try
        {
            // Kept, not awaited: consumed exactly once, by ReadParkedAsync or by Dispose.
#pragma warning disable CA2012
            _parked = Socket.ReceiveAsync(Buffer.AsMemory(), SocketFlags.None, CancellationToken.None);
#pragma warning restore CA2012
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }

        _isParked = true;
        return !_parked.IsCompleted;
    }

    /// <summary>Moves unread bytes to the front so a read has room.</summary>
    public void Compact()
    {
        if (Start == 0) return;
        Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
        End -= Start;
        Start = 0;
    }

    /// <summary>
    /// Takes in what a parked receive that already completed brought (an answer that came while the request was still being
    /// written), so <see cref="End"/> counts every response byte before a request is called unanswered. A receive still
    /// pending stays parked.
    /// </summary>
    public void Settle()
    {
        if (!_isParked || !_parked.IsCompleted) return;
        _isParked = false;
        End = Observe(_parked);
    }

    public ValueTask<int> ReadMoreAsync(CancellationToken cancellationToken) =>
        _isParked ? ReadParkedAsync(cancellationToken) : ReceiveAsync(cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Socket.Dispose();

        // A receive still parked may be writing into the buffer while the socket closes: only a finished one gives it back.
        if (_isParked && !_parked.IsCompleted) return;
        if (_isParked) Observe(_parked);
        ArrayPool<byte>.Shared.Return(Buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (End == Buffer.Length) Compact();
        var read = await Socket.ReceiveAsync(Buffer.AsMemory(End), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        End += read;
        return read;
    }

    /// <summary>The receive parked while the connection was idle is the first read of the response (it was issued on an empty buffer).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadParkedAsync(CancellationToken cancellationToken)
    {
        _isParked = false;

        // A parked receive cannot take a token after the fact: a cancelled wait closes the socket, which ends it.
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static socket => ((Socket)socket!).Dispose(), Socket)
            : default;
        int read;
        try
        {
            read = await _parked.ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        End = read;
        return read;
    }

    /// <summary>The result of a completed receive: the bytes it read, 0 for a close or a reset.</summary>
    private static int Observe(ValueTask<int> receive)
    {
        try
        {
            return receive.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return 0;
        }
    }
}
