using System.Buffers.Binary;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>HTTP/2 framing facts (RFC 9113 §4, §6): frame types, flags, the frame header, and the values the gateway advertises.</summary>
internal static class Http2Wire
{
    public const int FrameHeaderLength = 9;
    public const int DefaultWindow = 65535;
    public const int DefaultMaxFrameSize = 16384;
    public const int MaxWindow = int.MaxValue;

    /// <summary>What the gateway advertises to both peers: the stream window (and so the most it buffers per stream and direction).</summary>
    public const int StreamWindow = 64 * 1024;

    /// <summary>The connection window the gateway grants each client (and so the most request DATA it buffers per client connection).</summary>
    public const int ConnectionWindow = 1024 * 1024;

    public const int MaxConcurrentStreams = 100;

    /// <summary>The most streams the gateway opens on one upstream connection (fewer if the upstream's SETTINGS say so).</summary>
    public const int UpstreamMaxStreams = 256;

    /// <summary>Window granted back to an upstream connection in one WINDOW_UPDATE, once that much is owed.</summary>
    public const int UpstreamCreditBatch = 4 * StreamWindow;

    /// <summary>
    /// The connection window the gateway grants an upstream: every stream's window plus one credit batch, so the shared
    /// connection window is never what holds a stream back. Streams of a client that does not read fill their own
    /// windows and stop there; other clients' streams on the same connection keep flowing. Memory stays bounded by the
    /// stream windows (16 MiB only if all 256 streams hold a full window).
    /// </summary>
    public const int UpstreamConnectionWindow = UpstreamMaxStreams * StreamWindow + UpstreamCreditBatch;
    public const int MaxHeaderListSize = 64 * 1024;

    /// <summary>The most a HEADERS frame and its CONTINUATIONs may carry joined (CVE-2024-27316: bounded before decoding).</summary>
    public const int MaxHeaderBlock = MaxHeaderListSize + 16 * 1024;

    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public const byte Data = 0x0, Headers = 0x1, Priority = 0x2, RstStream = 0x3, Settings = 0x4, PushPromise = 0x5, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;

    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, PriorityFlag = 0x20;

    public const ushort SettingsHeaderTableSize = 0x1, SettingsEnablePush = 0x2, SettingsMaxConcurrentStreams = 0x3, SettingsInitialWindowSize = 0x4,
        SettingsMaxFrameSize = 0x5, SettingsMaxHeaderListSize = 0x6, SettingsEnableConnectProtocol = 0x8;

    public static void WriteHeader(Span<byte> destination, int length, byte type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], streamId & int.MaxValue);
    }

    public static int Length(ReadOnlySpan<byte> header) => (header[0] << 16) | (header[1] << 8) | header[2];

    public static int StreamId(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue;

    /// <summary>Writes one setting (identifier, value) into <paramref name="destination"/>.</summary>
    public static void WriteSetting(Span<byte> destination, ushort id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], value);
    }

    /// <summary>
    /// Strips padding from a DATA or HEADERS payload (RFC 9113 §6.1): false when the pad length is not less than the payload
    /// (a connection error of type PROTOCOL_ERROR).
    /// </summary>
    public static bool Unpad(byte flags, ref ReadOnlySpan<byte> payload)
    {
        if ((flags & Padded) == 0) return true;
        if (payload.IsEmpty) return false;
        var pad = payload[0];
        if (pad >= payload.Length) return false;
        payload = payload[1..^pad];
        return true;
    }
}
