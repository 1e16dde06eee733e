using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Canaria.Gateway.FastPath.Http2;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// A hand-driven h2c client for hostile-input tests: it writes whatever frames a test asks for (valid or not) and reads
/// the gateway's frames back. Real clients cannot be made to misbehave on purpose; this one is the misbehaving peer.
/// </summary>
internal sealed class RawH2Client : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly HpackEncoder _encoder = new();
    private readonly HpackDecoder _decoder = new();
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    private RawH2Client(Socket socket) => _socket = socket;

    /// <param name="sendPreface">False: only connect (<see cref="SendPrefaceAsync"/> later).</param>
    public static async Task<RawH2Client> ConnectAsync(Uri gateway, bool sendSettings = true, bool sendPreface = true)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(gateway.Host, gateway.Port);
        var client = new RawH2Client(socket);
        if (sendPreface) await client.SendPrefaceAsync(sendSettings);
        return client;
    }

    /// <summary>SETTINGS with the largest initial stream window, and the connection window raised to the largest (a client that can take anything).</summary>
    public async Task GrantLargestWindowsAsync()
    {
        var settings = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(settings, Http2Wire.SettingsInitialWindowSize);
        BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), int.MaxValue);
        await SendFrameAsync(Http2Wire.Settings, 0, 0, settings);
        var increment = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(increment, int.MaxValue - Http2Wire.DefaultWindow);
        await SendFrameAsync(Http2Wire.WindowUpdate, 0, 0, increment);
    }

    /// <summary>The client's connection preface, and (with <paramref name="sendSettings"/>) an empty SETTINGS.</summary>
    public async Task SendPrefaceAsync(bool sendSettings = true)
    {
        await SendRawAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        if (sendSettings) await SendFrameAsync(Http2Wire.Settings, 0, 0, []);
    }

    /// <summary>The server side of an accepted connection (a fake upstream): call <see cref="SkipPrefaceAsync"/> first.</summary>
    public static RawH2Client Accept(Socket socket) => new(socket);

    /// <summary>Reads past the client's 24-byte connection preface.</summary>
    public async Task SkipPrefaceAsync()
    {
        while (_end - _start < 24)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0) throw new IOException("closed before the preface");
            _end += read;
        }

        _start += 24;
    }

    /// <summary>A response head or trailers block encoded with this connection's encoder.</summary>
    public byte[] Fields(params (string Name, string Value)[] fields)
    {
        var block = new ArrayBufferWriter<byte>();
        _encoder.BeginBlock(block);
        foreach (var (name, value) in fields) _encoder.Encode(System.Text.Encoding.ASCII.GetBytes(name), System.Text.Encoding.ASCII.GetBytes(value), block);
        return block.WrittenSpan.ToArray();
    }

    public static byte[] Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        Http2Wire.WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    public Task SendFrameAsync(byte type, byte flags, int streamId, byte[] payload) => SendRawAsync(Frame(type, flags, streamId, payload));

    public async Task SendRawAsync(byte[] bytes)
    {
        var memory = bytes.AsMemory();
        while (!memory.IsEmpty) memory = memory[await _socket.SendAsync(memory, SocketFlags.None)..];
    }

    /// <summary>The HPACK block of a request (pseudo-headers first), encoded with this connection's encoder.</summary>
    public byte[] Block(string path, string authority = "shop", bool grpc = true, params (string Name, string Value)[] extra)
    {
        var block = new ArrayBufferWriter<byte>();
        _encoder.BeginBlock(block);
        _encoder.Encode(":method"u8, "POST"u8, block);
        _encoder.Encode(":scheme"u8, "http"u8, block);
        _encoder.Encode(":authority"u8, System.Text.Encoding.ASCII.GetBytes(authority), block);
        _encoder.Encode(":path"u8, System.Text.Encoding.ASCII.GetBytes(path), block);
        if (grpc)
        {
            _encoder.Encode("content-type"u8, "application/grpc"u8, block);
            _encoder.Encode("te"u8, "trailers"u8, block);
        }

        foreach (var (name, value) in extra) _encoder.Encode(System.Text.Encoding.ASCII.GetBytes(name), System.Text.Encoding.ASCII.GetBytes(value), block);
        return block.WrittenSpan.ToArray();
    }

    /// <summary>A gRPC message frame (uncompressed) carrying <paramref name="text"/>.</summary>
    public static byte[] GrpcMessage(string text)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(text);
        var message = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), payload.Length);
        payload.CopyTo(message.AsSpan(5));
        return message;
    }

    /// <summary>Sends a unary gRPC call on <paramref name="streamId"/>: HEADERS, then the message with END_STREAM.</summary>
    public async Task SendUnaryAsync(int streamId, string path, string text)
    {
        await SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, streamId, Block(path));
        await SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, streamId, GrpcMessage(text));
    }

    /// <summary>The next frame, or null when the gateway closed the connection; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_end - _start >= 9)
            {
                var length = Http2Wire.Length(_buffer.AsSpan(_start));
                if (_end - _start >= 9 + length)
                {
                    var header = _buffer.AsSpan(_start, 9);
                    var frame = new RawFrame(header[3], header[4], Http2Wire.StreamId(header), _buffer.AsSpan(_start + 9, length).ToArray());
                    _start += 9 + length;
                    return frame;
                }
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0) return null;
            _end += read;
        }
    }

    /// <summary>Reads until a GOAWAY comes (its error code) or the connection closes without one (null).</summary>
    public async Task<Http2ErrorCode?> ReadGoAwayAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ReadFrameAsync(deadline - DateTime.UtcNow) is { } frame)
        {
            if (frame.Type == Http2Wire.GoAway) return (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4));
        }

        return null;
    }

    /// <summary>Decodes a HEADERS frame's block (END_HEADERS expected) with this connection's decoder.</summary>
    public List<(string Name, string Value)> Decode(RawFrame frame)
    {
        var sink = new Collect();
        ReadOnlySpan<byte> payload = frame.Payload;
        Assert.True(Http2Wire.Unpad(frame.Flags, ref payload));
        Assert.Equal(HpackError.None, _decoder.Decode(payload, ref sink));
        return sink.Fields;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await Task.CompletedTask;
    }

    private sealed class Collect : IHpackHeaderSink
    {
        public List<(string Name, string Value)> Fields { get; } = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed) =>
            Fields.Add((System.Text.Encoding.ASCII.GetString(name), System.Text.Encoding.ASCII.GetString(value)));
    }
}

internal sealed record RawFrame(byte Type, byte Flags, int StreamId, byte[] Payload);
