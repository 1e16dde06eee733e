using System.Buffers.Binary;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>What a peer told us in its SETTINGS frames (RFC 9113 §6.5.2), and their validation.</summary>
internal sealed class PeerSettings
{
    public int HeaderTableSize { get; private set; } = 4096;

    public int MaxConcurrentStreams { get; private set; } = int.MaxValue;

    public int InitialWindowSize { get; private set; } = Http2Wire.DefaultWindow;

    public int MaxFrameSize { get; private set; } = Http2Wire.DefaultMaxFrameSize;

    public bool EnableConnectProtocol { get; private set; }

    /// <summary>
    /// Applies one SETTINGS payload: the error that ends the connection (or <see cref="Http2ErrorCode.NoError"/>), and in
    /// <paramref name="windowDelta"/> how much every open stream's send window moves (§6.9.2).
    /// </summary>
    public Http2ErrorCode Apply(ReadOnlySpan<byte> payload, out int windowDelta, out bool tableSizeChanged)
    {
        windowDelta = 0;
        tableSizeChanged = false;
        if (payload.Length % 6 != 0) return Http2ErrorCode.FrameSizeError;
        for (; !payload.IsEmpty; payload = payload[6..])
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(payload);
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload[2..]);
            switch (id)
            {
                case Http2Wire.SettingsHeaderTableSize:
                    HeaderTableSize = (int)Math.Min(value, 1u << 16);
                    tableSizeChanged = true;
                    break;
                case Http2Wire.SettingsEnablePush:
                    if (value > 1) return Http2ErrorCode.ProtocolError;
                    break;
                case Http2Wire.SettingsMaxConcurrentStreams:
                    MaxConcurrentStreams = (int)Math.Min(value, int.MaxValue);
                    break;
                case Http2Wire.SettingsInitialWindowSize:
                    if (value > Http2Wire.MaxWindow) return Http2ErrorCode.FlowControlError;
                    windowDelta += (int)value - InitialWindowSize;
                    InitialWindowSize = (int)value;
                    break;
                case Http2Wire.SettingsMaxFrameSize:
                    if (value is < Http2Wire.DefaultMaxFrameSize or > 16777215) return Http2ErrorCode.ProtocolError;
                    MaxFrameSize = (int)value;
                    break;
                case Http2Wire.SettingsEnableConnectProtocol:
                    if (value > 1) return Http2ErrorCode.ProtocolError;
                    EnableConnectProtocol = value == 1;
                    break;
            }
        }

        return Http2ErrorCode.NoError;
    }
}
