using System.Buffers;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Joins a HEADERS frame and its CONTINUATIONs into one header block (RFC 9113 §6.2, §6.10), bounded by
/// <see cref="Http2Wire.MaxHeaderBlock"/> before any of it is decoded (endless CONTINUATION, CVE-2024-27316: the peer
/// gets ENHANCE_YOUR_CALM), and in frames (<see cref="MaxContinuations"/>: empty CONTINUATIONs add no bytes but cost work).
/// A block split over frames is copied into a pooled buffer; one in a single frame is not copied.
/// </summary>
internal sealed class HeaderBlockJoiner
{
    /// <summary>Decodes and acts on one complete header block.</summary>
    public delegate Http2ErrorCode BlockHandler(ReadOnlySpan<byte> block);

    /// <summary>The most CONTINUATION frames one block may take (a full block in 16 KiB frames needs 5).</summary>
    public const int MaxContinuations = 128;

    private byte[]? _buffer;
    private int _length;
    private int _continuations;

    public int StreamId { get; private set; }

    /// <summary>The HEADERS frame's flags (END_STREAM is read from them).</summary>
    public byte Flags { get; private set; }

    public bool EndStream => (Flags & Http2Wire.EndStream) != 0;

    /// <summary>While a block is open only its CONTINUATION may come; any other frame is a PROTOCOL_ERROR.</summary>
    public bool Interrupted(byte type, int streamId) => _buffer is not null && (type != Http2Wire.Continuation || streamId != StreamId);

    /// <summary>
    /// Takes a HEADERS frame (padding and priority removed from <paramref name="payload"/>); <paramref name="complete"/>
    /// when it carried the whole block, which is then <paramref name="payload"/> itself.
    /// </summary>
    public Http2ErrorCode Headers(byte flags, int streamId, ref ReadOnlySpan<byte> payload, out bool complete)
    {
        complete = false;
        if (!Http2Wire.Unpad(flags, ref payload)) return Http2ErrorCode.ProtocolError;
        if ((flags & Http2Wire.PriorityFlag) != 0)
        {
            if (payload.Length < 5) return Http2ErrorCode.FrameSizeError;
            payload = payload[5..];
        }

        StreamId = streamId;
        Flags = flags;
        complete = (flags & Http2Wire.EndHeaders) != 0;
        if (complete) return Http2ErrorCode.NoError;
        _buffer = ArrayPool<byte>.Shared.Rent(Http2Wire.MaxHeaderBlock);
        payload.CopyTo(_buffer);
        _length = payload.Length;
        return Http2ErrorCode.NoError;
    }

    /// <summary>Takes a CONTINUATION; once END_HEADERS came, hands the joined block to <paramref name="onBlock"/> and frees it.</summary>
    public Http2ErrorCode Continuation(byte flags, int streamId, ReadOnlySpan<byte> payload, BlockHandler onBlock)
    {
        if (_buffer is null || streamId != StreamId) return Http2ErrorCode.ProtocolError;
        if (_length + payload.Length > Http2Wire.MaxHeaderBlock || ++_continuations > MaxContinuations) return Http2ErrorCode.EnhanceYourCalm;
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;
        if ((flags & Http2Wire.EndHeaders) == 0) return Http2ErrorCode.NoError;
        try
        {
            return onBlock(_buffer.AsSpan(0, _length));
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Returns the joined block's buffer (after it was decoded, or when the connection ends).</summary>
    public void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _length = 0;
        _continuations = 0;
    }
}
