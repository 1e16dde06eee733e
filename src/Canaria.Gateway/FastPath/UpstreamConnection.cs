using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// One keep-alive connection to an endpoint, with its own read buffer. Returned to its <see cref="UpstreamPool"/> only
/// after a response that left it clean (fully read, no "Connection: close", nothing extra buffered).
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    public const int BufferSize = 16 * 1024;
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

    /// <summary>Moves unread bytes to the front so a read has room.</summary>
    public void Compact()
    {
        if (Start == 0) return;
        Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
        End -= Start;
        Start = 0;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadMoreAsync(CancellationToken cancellationToken)
    {
        if (End == Buffer.Length) Compact();
        var read = await Socket.ReceiveAsync(Buffer.AsMemory(End), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        End += read;
        return read;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Socket.Dispose();
        ArrayPool<byte>.Shared.Return(Buffer);
    }
}
