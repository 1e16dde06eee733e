using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// An h2c prior-knowledge client connection on a fast-path listener, proxied stream by stream on one loop: frames are
/// parsed from the connection's receive pipe (inline completions, no thread hop), each stream is routed as the
/// Kestrel path routes a request and forwarded on a pooled HTTP/2 upstream connection (or, for what the fast path does
/// not serve, on this connection's own h2c connection to the listener's Kestrel full path), and the frames produced
/// while handling one received buffer leave in one send per connection. Flow control holds both directions to the
/// windows the gateway granted: a peer that does not read stops the other one, memory does not grow.
/// Its lock (its output's) guards every stream of the connection; upstream loops take it before touching one.
/// </summary>
internal sealed partial class Http2ClientSession
{
    /// <summary>Unsent acks and resets (<see cref="FrameOutput.PendingControl"/>) past which another PING, SETTINGS or DATA on a closed stream ends the connection.</summary>
    private const int MaxQueuedControl = 64 * 1024;
    /// <summary>How long the last frames (a GOAWAY behind unread answers) may take to leave before the connection closes; memory stays bounded meanwhile.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private readonly FastConnection _connection;
    private readonly FastListener _listener;
    private readonly FastPathContext _context;
    private readonly Dictionary<int, Http2Stream> _streams = [];
    private readonly HpackDecoder _decoder = new(4096, Http2Wire.MaxHeaderListSize);
    private readonly HpackEncoder _encoder = new();
    private readonly ArrayBufferWriter<byte> _block = new(1024);
    private readonly PeerSettings _peer = new();
    private readonly FlushList _flush = new();
    private readonly HeaderList _trailers = new();
    private readonly byte[] _frameHeader = new byte[Http2Wire.FrameHeaderLength];
    private readonly byte[] _clientIp;
    private readonly ResetBudget _resets;
    private byte[]? _payload;
    private int _lastStreamId;
    private int _sendWindow = Http2Wire.DefaultWindow;
    private int _recvWindow = Http2Wire.ConnectionWindow;
    private int _recvCredit;
    private readonly HeaderBlockJoiner _headers = new();
    private bool _sawSettings;
    private bool _goAwaySent;
    private bool _peerGoAway;
    private bool _closing;
    private readonly RecentIds _resetByUs = new(Http2Wire.MaxConcurrentStreams);
    private bool _settingsSent;
    private bool _drainAsked;
    private Http2UpstreamSession? _fullPath;

    public Http2ClientSession(FastConnection connection, FastListener listener)
    {
        _connection = connection;
        _listener = listener;
        _context = listener.Context;
        _clientIp = Encoding.ASCII.GetBytes(connection.ClientAddress?.ToString() ?? "");
        _resets = new ResetBudget(_context.Time);
        Output = new FrameOutput(OnDrained);
    }

    public FrameOutput Output { get; }

    private Lock Sync => Output.Sync;

    public async Task RunAsync()
    {
        lock (Sync)
        {
            Span<byte> settings = stackalloc byte[30];
            Http2Wire.WriteSetting(settings, Http2Wire.SettingsMaxConcurrentStreams, Http2Wire.MaxConcurrentStreams);
            Http2Wire.WriteSetting(settings[6..], Http2Wire.SettingsInitialWindowSize, Http2Wire.StreamWindow);
            Http2Wire.WriteSetting(settings[12..], Http2Wire.SettingsMaxFrameSize, Http2Wire.DefaultMaxFrameSize);
            Http2Wire.WriteSetting(settings[18..], Http2Wire.SettingsMaxHeaderListSize, Http2Wire.MaxHeaderListSize);
            Http2Wire.WriteSetting(settings[24..], Http2Wire.SettingsEnableConnectProtocol, 1);
            Output.Frame(Http2Wire.Settings, 0, 0, settings);
            Output.Frame(Http2Wire.WindowUpdate, 0, Http2Wire.ConnectionWindow - Http2Wire.DefaultWindow);
            _settingsSent = true;
        }

        // A drain that began before the SETTINGS were written (or before this connection was accepted) sends its GOAWAY
        // now, after them (RFC 9113 §3.4: the server's preface is its SETTINGS).
        if (_drainAsked || _connection.Draining) BeginDrain();
        Output.Start(_connection.Socket);
        var input = _connection.Input;
        var error = Http2ErrorCode.NoError;
        try
        {
            var preface = await input.ReadAtLeastAsync(Http2Wire.Preface.Length, _connection.Aborted).ConfigureAwait(false);
            input.AdvanceTo(preface.Buffer.GetPosition(Http2Wire.Preface.Length)); // checked by the head parser
            while (error == Http2ErrorCode.NoError)
            {
                var read = await input.ReadAsync(_connection.Aborted).ConfigureAwait(false);
                var buffer = read.Buffer;
                lock (Sync)
                {
                    error = ProcessFrames(ref buffer);
                    if (error == Http2ErrorCode.NoError && read.IsCompleted) error = Http2ErrorCode.Cancel; // the client closed
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                _flush.FlushAll();
                if (_closing) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            error = Http2ErrorCode.Cancel;
        }
        catch (Exception e)
        {
            // A fault of the gateway's own while handling this connection: logged, and its streams still end as they would
            // (endpoint in-flight counts given back, upstream streams reset), so the fault stays with this one connection.
            FastPathLog.ConnectionFailed(_context.Logger, _listener.Name, e);
            error = Http2ErrorCode.InternalError;
        }

        await EndAsync(error).ConfigureAwait(false);
    }

    /// <summary>
    /// Shutdown, handover or an idle keep-alive run out: GOAWAY with the last stream id; the streams in flight finish, then
    /// the connection closes. False when the GOAWAY was sent before (or the connection is gone).
    /// </summary>
    public bool BeginDrain()
    {
        lock (Sync)
        {
            if (!_settingsSent)
            {
                _drainAsked = true; // sent after the SETTINGS
                return true;
            }

            if (_goAwaySent || Output.Closed) return false;
            WriteGoAway(Http2ErrorCode.NoError);
            if (_streams.Count == 0) Close();
        }

        Output.Flush();
        return true;
    }

    private void WriteGoAway(Http2ErrorCode code)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(payload, _lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], (uint)code);
        Output.Frame(Http2Wire.GoAway, 0, 0, payload);
        _goAwaySent = true;
    }

    /// <summary>Ends the loop: wakes its pending read.</summary>
    private void Close()
    {
        _closing = true;
        _connection.Input.CancelPendingRead();
    }

    private async Task EndAsync(Http2ErrorCode error)
    {
        Http2Stream[] left;
        lock (Sync)
        {
            // A protocol error gets its GOAWAY; a client that went away or a finished drain needs none.
            if (error is not Http2ErrorCode.NoError and not Http2ErrorCode.Cancel)
            {
                Output.DropPending();
                WriteGoAway(error);
            }

            left = [.. _streams.Values];
            foreach (var stream in left) AbortStream(stream, Http2ErrorCode.Cancel, notifyClient: false);
            _fullPath?.CloseIfIdle(0, TimeSpan.Zero);
        }

        _flush.FlushAll();
        Output.Flush();
        var since = _context.Time.GetTimestamp();
        while (Output.Pending > 0 && !Output.Closed && !_connection.Aborted.IsCancellationRequested && _context.Time.GetElapsedTime(since) < CloseTimeout)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false); // the last frames (GOAWAY, answers) leave before the FIN
        }

        Output.Close();
        if (_payload is not null) ArrayPool<byte>.Shared.Return(_payload);
        _payload = null;
        _headers.Release();
    }

    /// <summary>Handles every complete frame of <paramref name="buffer"/> (caller holds the lock); leaves a partial one in it.</summary>
    private Http2ErrorCode ProcessFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (buffer.Length >= Http2Wire.FrameHeaderLength && !_closing)
        {
            buffer.Slice(0, Http2Wire.FrameHeaderLength).CopyTo(_frameHeader);
            var length = Http2Wire.Length(_frameHeader);
            if (length > Http2Wire.DefaultMaxFrameSize) return Http2ErrorCode.FrameSizeError;
            if (buffer.Length < Http2Wire.FrameHeaderLength + length) break;
            var slice = buffer.Slice(Http2Wire.FrameHeaderLength, length);
            ReadOnlySpan<byte> payload;
            if (slice.IsSingleSegment)
            {
                payload = slice.FirstSpan;
            }
            else
            {
                _payload ??= ArrayPool<byte>.Shared.Rent(Http2Wire.DefaultMaxFrameSize);
                slice.CopyTo(_payload);
                payload = _payload.AsSpan(0, length);
            }

            var type = _frameHeader[3];
            if (!_sawSettings && type != Http2Wire.Settings) return Http2ErrorCode.ProtocolError; // the preface's SETTINGS comes first
            _sawSettings = true;
            var error = OnFrame(type, _frameHeader[4], Http2Wire.StreamId(_frameHeader), payload);
            buffer = buffer.Slice(Http2Wire.FrameHeaderLength + length);
            if (error != Http2ErrorCode.NoError) return error;
        }

        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_headers.Interrupted(type, streamId)) return Http2ErrorCode.ProtocolError;
        switch (type)
        {
            case Http2Wire.Data:
                return OnData(flags, streamId, payload);
            case Http2Wire.Headers:
                return OnHeaders(flags, streamId, payload);
            case Http2Wire.Continuation:
                return OnContinuation(flags, streamId, payload);
            case Http2Wire.Priority:
                if (streamId == 0) return Http2ErrorCode.ProtocolError;
                return payload.Length == 5 ? Http2ErrorCode.NoError : ResetForClient(streamId, Http2ErrorCode.FrameSizeError);
            case Http2Wire.RstStream:
                if (streamId == 0 || streamId > _lastStreamId) return Http2ErrorCode.ProtocolError;
                if (payload.Length != 4) return Http2ErrorCode.FrameSizeError;
                return OnReset(streamId);
            case Http2Wire.Settings:
                return OnSettings(flags, streamId, payload);
            case Http2Wire.Ping:
                if (streamId != 0) return Http2ErrorCode.ProtocolError;
                if (payload.Length != 8) return Http2ErrorCode.FrameSizeError;
                if ((flags & Http2Wire.Ack) != 0) return Http2ErrorCode.NoError;
                if (Output.PendingControl > MaxQueuedControl) return Http2ErrorCode.EnhanceYourCalm; // a PING flood that does not read its acks
                Output.Control(Http2Wire.Ping, Http2Wire.Ack, 0, payload);
                _flush.Add(Output);
                return Http2ErrorCode.NoError;
            case Http2Wire.GoAway:
                if (streamId != 0) return Http2ErrorCode.ProtocolError;
                _peerGoAway = true;
                if (_streams.Count == 0) Close();
                return Http2ErrorCode.NoError;
            case Http2Wire.WindowUpdate:
                if (payload.Length != 4) return Http2ErrorCode.FrameSizeError;
                return OnWindowUpdate(streamId, BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue);
            case Http2Wire.PushPromise:
                return Http2ErrorCode.ProtocolError; // clients never push
            default:
                return Http2ErrorCode.NoError;
        }
    }

    private Http2ErrorCode OnSettings(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0) return Http2ErrorCode.ProtocolError;
        if ((flags & Http2Wire.Ack) != 0) return payload.IsEmpty ? Http2ErrorCode.NoError : Http2ErrorCode.FrameSizeError;
        if (Output.PendingControl > MaxQueuedControl) return Http2ErrorCode.EnhanceYourCalm; // a SETTINGS flood that does not read its acks
        var error = _peer.Apply(payload, out var delta, out var tableChanged);
        if (error != Http2ErrorCode.NoError) return error;
        if (tableChanged) _encoder.SetPeerMaxTableSize(_peer.HeaderTableSize);
        Output.Control(Http2Wire.Settings, Http2Wire.Ack, 0, default);
        _flush.Add(Output);
        if (delta == 0) return Http2ErrorCode.NoError;
        foreach (var stream in _streams.Values)
        {
            if ((long)stream.ClientSendWindow + delta > Http2Wire.MaxWindow) return Http2ErrorCode.FlowControlError;
            stream.ClientSendWindow += delta;
        }

        foreach (var stream in _streams.Values) PumpResponse(stream, _flush);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnWindowUpdate(int streamId, int increment)
    {
        if (streamId == 0)
        {
            if (increment == 0) return Http2ErrorCode.ProtocolError;
            if ((long)_sendWindow + increment > Http2Wire.MaxWindow) return Http2ErrorCode.FlowControlError;
            _sendWindow += increment;
            foreach (var stream in _streams.Values) PumpResponse(stream, _flush);
            return Http2ErrorCode.NoError;
        }

        if (streamId > _lastStreamId) return Http2ErrorCode.ProtocolError;
        if (!_streams.TryGetValue(streamId, out var one)) return Http2ErrorCode.NoError;
        if (increment == 0) return ResetForClient(streamId, Http2ErrorCode.ProtocolError);
        if ((long)one.ClientSendWindow + increment > Http2Wire.MaxWindow) return ResetForClient(streamId, Http2ErrorCode.FlowControlError);

        one.ClientSendWindow += increment;
        PumpResponse(one, _flush);
        return Http2ErrorCode.NoError;
    }

    private void OnDrained()
    {
        var flush = new FlushList();
        lock (Sync)
        {
            foreach (var stream in _streams.Values) PumpResponse(stream, flush);
        }

        flush.FlushAll();
    }
}
