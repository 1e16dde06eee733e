using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>The upstream connection's receive loop: frames in, handed to the streams' client sessions.</summary>
internal sealed partial class Http2UpstreamSession
{
    private async Task RunAsync(TimeSpan connectTimeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(connectTimeout);
            _socket = await _connect(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            Fail(connectFailed: true);
            return;
        }

        var flush = new FlushList();
        lock (Sync) Ready = true;
        Output.Start(_socket);
        foreach (var stream in Snapshot()) stream.Client.PumpRequest(stream, flush);
        flush.FlushAll();

        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBuffer);
        try
        {
            var end = 0;
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (read == 0) break;
                end += read;
                var consumed = 0;
                while (end - consumed >= Http2Wire.FrameHeaderLength)
                {
                    var header = buffer.AsSpan(consumed, Http2Wire.FrameHeaderLength);
                    var length = Http2Wire.Length(header);
                    if (length > Http2Wire.DefaultMaxFrameSize)
                    {
                        GoAway(Http2ErrorCode.FrameSizeError);
                        return;
                    }

                    if (end - consumed < Http2Wire.FrameHeaderLength + length) break;
                    var error = OnFrame(header[3], header[4], Http2Wire.StreamId(header), buffer.AsSpan(consumed + Http2Wire.FrameHeaderLength, length));
                    consumed += Http2Wire.FrameHeaderLength + length;
                    if (error != Http2ErrorCode.NoError)
                    {
                        _flush.FlushAll();
                        GoAway(error);
                        return;
                    }
                }

                _flush.FlushAll();
                buffer.AsSpan(consumed, end - consumed).CopyTo(buffer);
                end -= consumed;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _headers.Release();
            Fail(connectFailed: false);
        }
    }

    private void GoAway(Http2ErrorCode code)
    {
        lock (Sync)
        {
            Span<byte> payload = stackalloc byte[8];
            BinaryPrimitives.WriteInt32BigEndian(payload, 0);
            BinaryPrimitives.WriteUInt32BigEndian(payload[4..], (uint)code);
            Output.Frame(Http2Wire.GoAway, 0, 0, payload);
        }

        Output.Flush();
    }

    /// <summary>The connection is over: every stream still on it learns so (a connect failure may be failed over).</summary>
    private void Fail(bool connectFailed)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0) return;
        Http2Stream[] streams;
        lock (Sync)
        {
            GoingAway = true;
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        _closed(this);
        var flush = new FlushList();
        foreach (var stream in streams) stream.Client.OnUpstreamFailed(stream, this, connectFailed, flush);
        flush.FlushAll();
        Output.Close();
        _socket?.Dispose();
    }

    private Http2ErrorCode OnFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_headers.Interrupted(type, streamId)) return Http2ErrorCode.ProtocolError;
        switch (type)
        {
            case Http2Wire.Data:
                return OnData(flags, streamId, payload);
            case Http2Wire.Headers:
            {
                var error = _headers.Headers(flags, streamId, ref payload, out var complete);
                return error != Http2ErrorCode.NoError || !complete ? error : OnHeaderBlock(payload);
            }

            case Http2Wire.Continuation:
                return _headers.Continuation(flags, streamId, payload, OnHeaderBlock);

            case Http2Wire.RstStream:
                if (payload.Length != 4) return Http2ErrorCode.FrameSizeError;
                if (Take(streamId) is { } reset)
                {
                    reset.Client.OnUpstreamReset(reset, this, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload), _flush);
                }

                return Http2ErrorCode.NoError;
            case Http2Wire.Settings:
                return (flags & Http2Wire.Ack) != 0 ? Http2ErrorCode.NoError : OnSettings(payload);
            case Http2Wire.Ping:
                if (payload.Length != 8) return Http2ErrorCode.FrameSizeError;
                if ((flags & Http2Wire.Ack) == 0)
                {
                    lock (Sync) Output.Frame(Http2Wire.Ping, Http2Wire.Ack, 0, payload);
                    _flush.Add(Output);
                }

                return Http2ErrorCode.NoError;
            case Http2Wire.GoAway:
                if (payload.Length < 8) return Http2ErrorCode.FrameSizeError;
                OnGoAway(BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue);
                return Http2ErrorCode.NoError;
            case Http2Wire.WindowUpdate:
                if (payload.Length != 4) return Http2ErrorCode.FrameSizeError;
                return OnWindowUpdate(streamId, BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue);
            case Http2Wire.PushPromise:
                return Http2ErrorCode.ProtocolError; // push was disabled in our SETTINGS
            default:
                return Http2ErrorCode.NoError; // PRIORITY and unknown types
        }
    }

    private Http2ErrorCode OnHeaderBlock(ReadOnlySpan<byte> block)
    {
        _response.Clear();
        var sink = _response;
        if (_decoder.Decode(block, ref sink) != HpackError.None) return Http2ErrorCode.CompressionError;
        Http2Stream? stream;
        lock (Sync) _streams.TryGetValue(_headers.StreamId, out stream);
        stream?.Client.OnResponseHeaders(stream, this, _response, _headers.EndStream, _flush);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnData(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var flowLength = payload.Length;
        if (!Http2Wire.Unpad(flags, ref payload)) return Http2ErrorCode.ProtocolError;
        Http2Stream? stream;
        lock (Sync)
        {
            if (flowLength > _recvWindow) return Http2ErrorCode.FlowControlError;
            _recvWindow -= flowLength;
            _streams.TryGetValue(streamId, out stream);
            if (stream is null)
            {
                CreditConnection(flowLength); // a stream we reset: its bytes still count against the connection
                _flush.Add(Output);
                return Http2ErrorCode.NoError;
            }
        }

        stream.Client.OnResponseData(stream, this, payload, flowLength, (flags & Http2Wire.EndStream) != 0, _flush);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnSettings(ReadOnlySpan<byte> payload)
    {
        Http2Stream[] streams;
        lock (Sync)
        {
            var error = _peer.Apply(payload, out var delta, out var tableChanged);
            if (error != Http2ErrorCode.NoError) return error;
            if (tableChanged) _encoder.SetPeerMaxTableSize(_peer.HeaderTableSize);
            _maxStreams = Math.Min(_peer.MaxConcurrentStreams, Http2Wire.UpstreamMaxStreams);
            Output.Frame(Http2Wire.Settings, Http2Wire.Ack, 0, default);
            _flush.Add(Output);
            if (delta == 0) return Http2ErrorCode.NoError;
            foreach (var s in _streams.Values)
            {
                if ((long)s.UpstreamSendWindow + delta > Http2Wire.MaxWindow) return Http2ErrorCode.FlowControlError;
                s.UpstreamSendWindow += delta;
            }

            streams = [.. _streams.Values];
        }

        foreach (var stream in streams) stream.Client.PumpRequest(stream, _flush);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnWindowUpdate(int streamId, int increment)
    {
        Http2Stream[] streams;
        lock (Sync)
        {
            if (streamId == 0)
            {
                if (increment == 0 || (long)_sendWindow + increment > Http2Wire.MaxWindow) return increment == 0 ? Http2ErrorCode.ProtocolError : Http2ErrorCode.FlowControlError;
                _sendWindow += increment;
                streams = [.. _streams.Values];
            }
            else
            {
                if (!_streams.TryGetValue(streamId, out var one) || increment == 0) return Http2ErrorCode.NoError;
                one.UpstreamSendWindow = (int)Math.Min((long)one.UpstreamSendWindow + increment, Http2Wire.MaxWindow);
                streams = [one];
            }
        }

        foreach (var stream in streams) stream.Client.PumpRequest(stream, _flush);
        return Http2ErrorCode.NoError;
    }

    private void OnGoAway(int lastStreamId)
    {
        List<Http2Stream>? refused = null;
        lock (Sync)
        {
            GoingAway = true;
            foreach (var (id, stream) in _streams)
            {
                if (id > lastStreamId) (refused ??= []).Add(stream);
            }

            if (refused is not null)
            {
                foreach (var stream in refused) _streams.Remove(stream.UpstreamId);
            }
        }

        _closed(this); // no new streams here; the pool opens another connection for them
        if (Active == 0) _socket?.Dispose();
        if (refused is null) return;
        foreach (var stream in refused) stream.Client.OnUpstreamReset(stream, this, Http2ErrorCode.RefusedStream, _flush);
    }

    private Http2Stream? Take(int streamId)
    {
        lock (Sync)
        {
            if (!_streams.TryGetValue(streamId, out var stream)) return null;
            Forget(stream);
            stream.Upstream = this; // the client session detaches it (it checks which connection reset it)
            return stream;
        }
    }
}
