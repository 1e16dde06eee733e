using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// One HTTP/2 prior-knowledge connection to an upstream (an endpoint, or the listener's internal Kestrel full path),
/// multiplexing streams of any client connection. Its receive loop runs with inline completions and hands each frame to
/// the stream's client session; what it writes while handling one received buffer leaves in one send per connection.
/// Its own lock (its output's) guards its stream table, send windows and HPACK encoder; a client session's lock is
/// always taken before it, never while holding it.
/// </summary>
internal sealed partial class Http2UpstreamSession
{
    private const int ReceiveBuffer = 64 * 1024;
    private readonly Dictionary<int, Http2Stream> _streams = [];
    private readonly HpackEncoder _encoder = new();
    private readonly HpackDecoder _decoder = new(4096, Http2Wire.MaxHeaderListSize);
    private readonly HeaderList _response = new();
    private readonly ArrayBufferWriter<byte> _block = new(1024);
    private readonly PeerSettings _peer = new();
    private readonly FlushList _flush = new();
    private readonly Func<CancellationToken, ValueTask<Socket>> _connect;
    private readonly Action<Http2UpstreamSession> _closed;
    private readonly TimeProvider _time;
    private readonly byte[] _authority;
    private Socket? _socket;
    private int _nextId = 1;
    private int _sendWindow = Http2Wire.DefaultWindow;
    private int _recvWindow = Http2Wire.UpstreamConnectionWindow;
    private int _recvCredit;
    private int _maxStreams = Http2Wire.MaxConcurrentStreams; // until its SETTINGS say otherwise (Kestrel's default too)
    private readonly HeaderBlockJoiner _headers = new();
    private int _failed;

    public Http2UpstreamSession(Func<CancellationToken, ValueTask<Socket>> connect, Action<Http2UpstreamSession> closed, TimeProvider time, byte[] authority)
    {
        _authority = authority;
        _connect = connect;
        _closed = closed;
        _time = time;
        Output = new FrameOutput(OnDrained);
        IdleSince = time.GetTimestamp();
        lock (Output.Sync)
        {
            Output.Write(Http2Wire.Preface);
            Span<byte> settings = stackalloc byte[18];
            Http2Wire.WriteSetting(settings, Http2Wire.SettingsEnablePush, 0);
            Http2Wire.WriteSetting(settings[6..], Http2Wire.SettingsInitialWindowSize, Http2Wire.StreamWindow);
            Http2Wire.WriteSetting(settings[12..], Http2Wire.SettingsMaxHeaderListSize, Http2Wire.MaxHeaderListSize);
            Output.Frame(Http2Wire.Settings, 0, 0, settings);
            Output.Frame(Http2Wire.WindowUpdate, 0, Http2Wire.UpstreamConnectionWindow - Http2Wire.DefaultWindow);
        }
    }

    public FrameOutput Output { get; }

    private Lock Sync => Output.Sync;

    /// <summary>Connected and its preface sent: request DATA may go (before, it waits in the streams' queues).</summary>
    public bool Ready { get; private set; }

    /// <summary>GOAWAY came, or the connection failed: no new streams.</summary>
    public bool GoingAway { get; private set; }

    public long IdleSince { get; private set; }

    public int Active
    {
        get
        {
            lock (Sync) return _streams.Count;
        }
    }

    /// <summary>
    /// Connects and runs the receive loop. Started off the caller's thread (once per new connection): a connect that
    /// fails at once then reaches the streams' client sessions from outside their locks, never re-entering them.
    /// </summary>
    public void Start(TimeSpan connectTimeout) => _ = Task.Run(() => RunAsync(connectTimeout));

    /// <summary>Opens a stream for <paramref name="stream"/> and writes its head; false when this connection takes no more streams.</summary>
    public bool TryOpen(Http2Stream stream, FlushList flush)
    {
        lock (Sync)
        {
            if (GoingAway || _streams.Count >= _maxStreams || _nextId > int.MaxValue - 2) return false;
            var id = _nextId;
            _nextId += 2;
            _streams[id] = stream;
            stream.Upstream = this;
            stream.DataFrom = this;
            stream.UpstreamId = id;
            stream.UpstreamSendWindow = _peer.InitialWindowSize;
            stream.UpstreamRecvWindow = Http2Wire.StreamWindow;
            stream.UpstreamCredit = 0;
            stream.UpstreamDone = false;
            stream.RequestForwardedEnd = false;
            _block.ResetWrittenCount();
            _encoder.BeginBlock(_block);
            stream.Client.EncodeRequest(stream, _encoder, _block, _authority);
            var endStream = stream.RequestEnded && stream.ToUpstream.Length == 0;
            Output.HeaderBlock(id, _block.WrittenSpan, endStream, _peer.MaxFrameSize);
            if (endStream) stream.RequestForwardedEnd = true;
            flush.Add(Output);
            return true;
        }
    }

    /// <summary>
    /// Sends what the stream's request queue holds, as far as the windows and this connection's backlog allow (caller
    /// holds the client's lock); returns the bytes sent, which the caller grants the client again.
    /// </summary>
    public int Pump(Http2Stream stream, FlushList flush)
    {
        lock (Sync)
        {
            if (!Ready || Volatile.Read(ref _failed) != 0 || stream.Upstream != this || stream.RequestForwardedEnd) return 0;
            var sent = 0;
            while (stream.ToUpstream.Length > 0 && !Output.Congested)
            {
                var n = Math.Min(Math.Min(stream.ToUpstream.Length, _peer.MaxFrameSize), Math.Min(stream.UpstreamSendWindow, _sendWindow));
                if (n <= 0) break;
                var last = n == stream.ToUpstream.Length && stream.RequestEnded;
                Output.Frame(Http2Wire.Data, last ? Http2Wire.EndStream : (byte)0, stream.UpstreamId, stream.ToUpstream.Peek(n));
                KeepForReplay(stream, stream.ToUpstream.Peek(n));
                stream.ToUpstream.Dequeue(n);
                stream.UpstreamSendWindow -= n;
                _sendWindow -= n;
                stream.RequestDataSent = true;
                sent += n;
                if (last) stream.RequestForwardedEnd = true;
            }

            if (stream.ToUpstream.Length == 0 && stream.RequestEnded && !stream.RequestForwardedEnd)
            {
                Output.Frame(Http2Wire.Data, Http2Wire.EndStream, stream.UpstreamId, default);
                stream.RequestForwardedEnd = true;
            }

            if (sent > 0 || stream.RequestForwardedEnd) flush.Add(Output);
            if (stream.UpstreamDone && stream.RequestForwardedEnd) Forget(stream);
            return sent;
        }
    }

    /// <summary>Keeps a copy of request DATA until the response head came, up to a stream window (then no replay).</summary>
    private static void KeepForReplay(Http2Stream stream, ReadOnlySpan<byte> bytes)
    {
        if (stream.ResponseStarted || stream.SentOverflow) return;
        if (stream.Sent.Length + bytes.Length > Http2Wire.StreamWindow)
        {
            stream.SentOverflow = true;
            stream.Sent.Release();
            return;
        }

        stream.Sent.Enqueue(bytes);
    }

    /// <summary>The client consumed <paramref name="bytes"/> of this stream's response: the upstream may send that much more.</summary>
    public void Credit(Http2Stream stream, int bytes, FlushList flush)
    {
        lock (Sync)
        {
            if (Volatile.Read(ref _failed) != 0) return;
            CreditConnection(bytes);
            if (!stream.UpstreamDone && stream.Upstream == this && Volatile.Read(ref _failed) == 0)
            {
                stream.UpstreamCredit += bytes;
                if (stream.UpstreamCredit >= Http2Wire.StreamWindow / 2)
                {
                    Output.Frame(Http2Wire.WindowUpdate, stream.UpstreamId, (uint)stream.UpstreamCredit);
                    stream.UpstreamRecvWindow += stream.UpstreamCredit;
                    stream.UpstreamCredit = 0;
                }
            }

            flush.Add(Output);
        }
    }

    /// <summary>Response bytes of a stream the gateway dropped unsent (the stream closed): the connection's window gets them back.</summary>
    public void CreditDropped(int bytes, FlushList flush)
    {
        lock (Sync)
        {
            if (Volatile.Read(ref _failed) != 0) return;
            CreditConnection(bytes);
            flush.Add(Output);
        }
    }

    /// <summary>Resets the stream upstream (unless it already ended there) and forgets it.</summary>
    public void Reset(Http2Stream stream, Http2ErrorCode code, FlushList flush)
    {
        lock (Sync)
        {
            if (stream.Upstream != this) return;
            if (!(stream.UpstreamDone && stream.RequestForwardedEnd) && Volatile.Read(ref _failed) == 0)
            {
                Output.Frame(Http2Wire.RstStream, stream.UpstreamId, (uint)code);
                flush.Add(Output);
            }

            stream.UpstreamDone = true;
            stream.RequestForwardedEnd = true;
            Forget(stream);
        }
    }

    /// <summary>The response ended upstream: the stream is forgotten once the request has ended there too.</summary>
    public void ResponseEnded(Http2Stream stream, FlushList flush)
    {
        lock (Sync)
        {
            stream.UpstreamDone = true;
            if (stream.RequestForwardedEnd)
            {
                Forget(stream);
                return;
            }
        }

        // The upstream answered before the request ended (an early answer): it needs no more of it.
        Reset(stream, Http2ErrorCode.NoError, flush);
    }

    /// <summary>Closes a connection that has no streams (idle too long, or the gateway stops).</summary>
    public bool CloseIfIdle(long now, TimeSpan idle)
    {
        lock (Sync)
        {
            if (_streams.Count > 0 || (idle > TimeSpan.Zero && _time.GetElapsedTime(IdleSince, now) < idle)) return false;
            GoingAway = true;
        }

        Fail(connectFailed: false);
        return true;
    }

    /// <summary>No new streams here (a newer connection replaced this one): it closes once its last stream ends.</summary>
    public void Retire()
    {
        lock (Sync)
        {
            GoingAway = true;
            if (_streams.Count == 0) _socket?.Dispose();
        }
    }

    private void Forget(Http2Stream stream)
    {
        if (_streams.Remove(stream.UpstreamId) && _streams.Count == 0)
        {
            IdleSince = _time.GetTimestamp();
            if (GoingAway) _socket?.Dispose(); // its last stream ended after a GOAWAY: the receive loop ends the connection
        }

        stream.Upstream = null;
    }

    private void CreditConnection(int bytes)
    {
        _recvCredit += bytes;
        if (_recvCredit < Http2Wire.UpstreamCreditBatch) return;
        Output.Frame(Http2Wire.WindowUpdate, 0, (uint)_recvCredit);
        _recvWindow += _recvCredit;
        _recvCredit = 0;
    }

    private void OnDrained()
    {
        var flush = new FlushList();
        foreach (var stream in Snapshot()) stream.Client.PumpRequest(stream, flush);
        flush.FlushAll();
    }

    private Http2Stream[] Snapshot()
    {
        lock (Sync) return [.. _streams.Values];
    }
}
