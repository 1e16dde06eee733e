using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// Just enough HTTP/2 framing (RFC 9113 §4, §6) for the HPACK interop tests to talk to a real client or server: frames
/// are read and written whole, SETTINGS are acknowledged, and a HEADERS frame's block is joined with its CONTINUATIONs.
/// </summary>
internal static class HpackInteropFrames
{
    public const byte Data = 0x0, Headers = 0x1, Settings = 0x4, Continuation = 0x9;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;

    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>A listener on 127.0.0.1 and a free port.</summary>
    public static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>Accepts one h2c client: checks its preface and sends our (empty) SETTINGS. The stream owns the socket.</summary>
    public static async Task<NetworkStream> AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var stream = new NetworkStream(await listener.AcceptSocketAsync(cancellationToken), ownsSocket: true);
        var preface = new byte[Preface.Length];
        await stream.ReadExactlyAsync(preface, cancellationToken);
        Assert.Equal(Preface.ToArray(), preface);
        await WriteAsync(stream, Settings, 0, 0, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return stream;
    }

    public static async Task WriteAsync(Stream stream, byte type, byte flags, int streamId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame.AsMemory(9));
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public static async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[9];
        await stream.ReadExactlyAsync(head, cancellationToken);
        var payload = new byte[(head[0] << 16) | (head[1] << 8) | head[2]];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (head[3], head[4], BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(5)) & int.MaxValue, payload);
    }

    /// <summary>Reads until a HEADERS frame and its CONTINUATIONs are complete; acknowledges SETTINGS, skips other frames.</summary>
    public static async Task<(int StreamId, byte[] Block, bool EndStream)> ReadHeaderBlockAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (type, flags, streamId, payload) = await ReadAsync(stream, cancellationToken);
            if (type == Settings && (flags & Ack) == 0)
            {
                await WriteAsync(stream, Settings, Ack, 0, ReadOnlyMemory<byte>.Empty, cancellationToken);
            }

            if (type != Headers)
            {
                continue;
            }

            var block = new ArrayBufferWriter<byte>();
            block.Write(Fragment(payload, flags));
            while ((flags & EndHeaders) == 0)
            {
                (type, flags, _, payload) = await ReadAsync(stream, cancellationToken);
                Assert.Equal(Continuation, type);
                block.Write(payload);
            }

            return (streamId, block.WrittenSpan.ToArray(), (flags & EndStream) != 0);
        }
    }

    // A HEADERS payload without its pad length, priority fields and padding.
    private static ReadOnlySpan<byte> Fragment(byte[] payload, byte flags)
    {
        var span = payload.AsSpan();
        var padding = 0;
        if ((flags & Padded) != 0)
        {
            padding = span[0];
            span = span[1..];
        }

        if ((flags & Priority) != 0)
        {
            span = span[5..];
        }

        return span[..^padding];
    }
}
