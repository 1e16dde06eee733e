using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// The bytes waiting to go to one HTTP/2 peer. Frames are appended under <see cref="Sync"/> by whichever loop produced
/// them (the client's or an upstream's); <see cref="Flush"/> at the end of handling one received buffer sends all that
/// accumulated in one send, and while a send is under way new frames wait for the next one. Frames appended before the
/// socket is connected wait for <see cref="Start"/>. Data producers check <see cref="Congested"/> and hold their DATA
/// back (not granting the sender window) while the peer does not read; <c>drained</c> then tells them to resume.
/// </summary>
internal sealed class FrameOutput(Action drained) : IBufferWriter<byte>
{
    /// <summary>Above this many unsent bytes DATA toward this peer waits (control frames still go).</summary>
    public const int HighWater = 256 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _length;
    private int _inFlight;
    private int _controlLength;
    private int _controlInFlight;
    private bool _sending;
    private bool _congested;
    private bool _closed;
    private Socket? _socket;

    public Lock Sync { get; } = new();

    /// <summary>Whether DATA toward this peer must wait; when true, <c>drained</c> is called once the peer caught up.</summary>
    public bool Congested
    {
        get
        {
            lock (Sync)
            {
                if (_length + _inFlight <= HighWater) return false;
                _congested = true;
                return true;
            }
        }
    }

    /// <summary>Bytes appended and not yet handed to the socket or in the send under way.</summary>
    public int Pending => _length + _inFlight;

    public bool Closed => _closed;

    /// <summary>
    /// Bytes of answers the peer caused (acks, resets; <see cref="Control"/>) not yet sent: what a flood that does not read
    /// them piles up. Response DATA is not counted: a client slow to read a download still gets its PING acked.
    /// </summary>
    public int PendingControl => _controlLength + _controlInFlight;

    /// <summary>The socket is connected: what was appended so far goes out.</summary>
    public void Start(Socket socket)
    {
        lock (Sync) _socket = socket;
        Flush();
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 16));
        return _buffer.AsSpan(_length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 16));
        return _buffer.AsMemory(_length);
    }

    public void Advance(int count) => _length += count;

    /// <summary>Appends one frame (caller holds <see cref="Sync"/>).</summary>
    public void Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_closed) return;
        var span = GetSpan(Http2Wire.FrameHeaderLength + payload.Length);
        Http2Wire.WriteHeader(span, payload.Length, type, flags, streamId);
        payload.CopyTo(span[Http2Wire.FrameHeaderLength..]);
        _length += Http2Wire.FrameHeaderLength + payload.Length;
    }

    /// <summary>Appends an answer the peer caused (an ack, a reset), counted in <see cref="PendingControl"/> (caller holds <see cref="Sync"/>).</summary>
    public void Control(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_closed) return;
        Frame(type, flags, streamId, payload);
        _controlLength += Http2Wire.FrameHeaderLength + payload.Length;
    }

    /// <summary>Appends a frame whose payload is one 32-bit value: RST_STREAM's or WINDOW_UPDATE's (caller holds <see cref="Sync"/>).</summary>
    public void Frame(byte type, int streamId, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Frame(type, 0, streamId, payload);
    }

    /// <summary>Appends a header block as HEADERS plus CONTINUATIONs no larger than <paramref name="maxFrame"/> (caller holds <see cref="Sync"/>).</summary>
    public void HeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream, int maxFrame)
    {
        var type = Http2Wire.Headers;
        var flags = endStream ? Http2Wire.EndStream : (byte)0;
        do
        {
            var part = block[..Math.Min(block.Length, maxFrame)];
            block = block[part.Length..];
            Frame(type, (byte)(flags | (block.IsEmpty ? Http2Wire.EndHeaders : 0)), streamId, part);
            type = Http2Wire.Continuation;
            flags = 0;
        }
        while (!block.IsEmpty);
    }

    /// <summary>Sends what accumulated, unless a send is under way (it sends the rest when it completes).</summary>
    public void Flush()
    {
        byte[] toSend;
        int length;
        lock (Sync)
        {
            if (_sending || _length == 0 || _socket is null || _closed) return;
            _sending = true;
            (toSend, length) = Swap();
        }

        _ = SendLoopAsync(toSend, length);
    }

    /// <summary>
    /// Drops the frames not yet handed to the socket (they are whole frames: a send takes whole buffers), so a connection
    /// error's GOAWAY is not queued behind a flood's acks the peer never read.
    /// </summary>
    public void DropPending()
    {
        lock (Sync)
        {
            _length = 0;
            _controlLength = 0;
        }
    }

    /// <summary>Drops what is unsent and returns the buffers (the connection is gone).</summary>
    public void Close()
    {
        lock (Sync)
        {
            if (_closed) return;
            _closed = true;
            _length = 0;
            _controlLength = 0;
            if (!_sending) ReturnBuffers();
        }
    }

    private (byte[], int) Swap()
    {
        var full = _buffer;
        var length = _length;
        _buffer = _spare;
        _spare = full;
        _length = 0;
        _inFlight = length;
        _controlInFlight = _controlLength;
        _controlLength = 0;
        return (full, length);
    }

    private async Task SendLoopAsync(byte[] bytes, int length)
    {
        while (true)
        {
            try
            {
                var memory = bytes.AsMemory(0, length);
                while (!memory.IsEmpty)
                {
                    memory = memory[await _socket!.SendAsync(memory, SocketFlags.None).ConfigureAwait(false)..];
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                lock (Sync)
                {
                    _sending = false;
                    _closed = true;
                    _inFlight = 0;
                    _controlInFlight = 0;
                    ReturnBuffers();
                }

                return; // the receive loop of this connection notices and ends it
            }

            bool resume;
            var more = false;
            lock (Sync)
            {
                _inFlight = 0;
                _controlInFlight = 0;
                if (_closed)
                {
                    _sending = false;
                    ReturnBuffers();
                    return;
                }

                resume = _congested && _length <= HighWater / 2;
                if (resume) _congested = false;
                if (_length == 0)
                {
                    _sending = false;
                }
                else
                {
                    (bytes, length) = Swap();
                    more = true;
                }
            }

            if (resume) drained();
            if (!more) return;
        }
    }

    private void Ensure(int size)
    {
        if (_buffer.Length - _length >= size) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void ReturnBuffers()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_spare);
        _buffer = [];
        _spare = [];
    }
}
