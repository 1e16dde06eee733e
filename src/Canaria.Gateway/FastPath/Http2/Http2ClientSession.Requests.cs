using System.Buffers;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>The client's request frames: HEADERS (+ CONTINUATION), DATA and RST_STREAM.</summary>
internal sealed partial class Http2ClientSession
{
    private Http2ErrorCode OnHeaders(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0 || (streamId & 1) == 0) return Http2ErrorCode.ProtocolError; // clients open odd streams only
        var error = _headers.Headers(flags, streamId, ref payload, out var complete);
        return error != Http2ErrorCode.NoError || !complete ? error : OnHeaderBlock(payload);
    }

    private Http2ErrorCode OnContinuation(byte flags, int streamId, ReadOnlySpan<byte> payload) =>
        _headers.Continuation(flags, streamId, payload, OnHeaderBlock);

    private Http2ErrorCode OnHeaderBlock(ReadOnlySpan<byte> block)
    {
        var id = _headers.StreamId;
        var endStream = _headers.EndStream;
        if (id <= _lastStreamId)
        {
            // Trailers of an open request (decoded to keep the table in step; the upstream gets the request's end), or a
            // HEADERS on a closed stream: a connection error (§5.1).
            _trailers.Clear();
            var trailerSink = _trailers;
            if (_decoder.Decode(block, ref trailerSink) != HpackError.None) return Http2ErrorCode.CompressionError;
            if (!_streams.TryGetValue(id, out var open) || open.RequestEnded)
            {
                // Frames already in flight when the gateway reset the stream are ignored (RFC 9113 §5.1), not a connection error.
                return open is null && _resetByUs.Contains(id) ? Http2ErrorCode.NoError : Http2ErrorCode.StreamClosed;
            }
            if (!endStream) return ResetForClient(id, Http2ErrorCode.ProtocolError); // trailers must end the stream

            open.RequestEnded = true;
            PumpRequestLocked(open, _flush);
            return Http2ErrorCode.NoError;
        }

        _lastStreamId = id;
        var stream = new Http2Stream(this, id);
        var sink = stream.Request;
        if (_decoder.Decode(block, ref sink) != HpackError.None) return Http2ErrorCode.CompressionError;
        if (_goAwaySent || _peerGoAway)
        {
            ResetClient(id, Http2ErrorCode.RefusedStream);
            return Http2ErrorCode.NoError;
        }

        if (_streams.Count >= Http2Wire.MaxConcurrentStreams)
        {
            ResetClient(id, Http2ErrorCode.RefusedStream);
            return _resets.TryTake() ? Http2ErrorCode.NoError : Http2ErrorCode.EnhanceYourCalm;
        }

        if (!RequestFields.Validate(stream)) return ResetForClient(id, Http2ErrorCode.ProtocolError);

        stream.RequestEnded = endStream;
        stream.ClientSendWindow = _peer.InitialWindowSize;
        _streams[id] = stream;
        _connection.MarkBusy();
        Route(stream);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnData(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0 || streamId > _lastStreamId) return Http2ErrorCode.ProtocolError;
        var flowLength = payload.Length;
        if (!Http2Wire.Unpad(flags, ref payload)) return Http2ErrorCode.ProtocolError;
        if (flowLength > _recvWindow) return Http2ErrorCode.FlowControlError;
        _recvWindow -= flowLength;
        if (!_streams.TryGetValue(streamId, out var stream) || stream.RequestEnded)
        {
            if (stream is null && _resetByUs.Contains(streamId))
            {
                CreditClient(null, flowLength, _flush); // sent before our RST_STREAM reached the client: ignored (§5.1)
                return Http2ErrorCode.NoError;
            }

            // Each such frame costs an RST_STREAM back: bounded like PING and SETTINGS acks, against a peer that never reads them.
            if (Output.PendingControl > MaxQueuedControl) return Http2ErrorCode.EnhanceYourCalm;
            CreditClient(null, flowLength, _flush);
            ResetClient(streamId, Http2ErrorCode.StreamClosed);
            return Http2ErrorCode.NoError;
        }

        if (flowLength > stream.ClientRecvWindow)
        {
            CreditClient(null, flowLength, _flush);
            return ResetForClient(streamId, Http2ErrorCode.FlowControlError);
        }

        stream.ClientRecvWindow -= flowLength;
        stream.ToUpstream.Enqueue(payload);
        if (flowLength > payload.Length) CreditClient(stream, flowLength - payload.Length, _flush); // padding is never forwarded
        if ((flags & Http2Wire.EndStream) != 0) stream.RequestEnded = true;
        PumpRequestLocked(stream, _flush);
        return Http2ErrorCode.NoError;
    }

    private Http2ErrorCode OnReset(int streamId)
    {
        if (_streams.TryGetValue(streamId, out var stream)) AbortStream(stream, Http2ErrorCode.Cancel, notifyClient: false);

        // Rapid reset (CVE-2023-44487): every reset stream cost an upstream stream; past the budget the connection ends.
        return _resets.TryTake() ? Http2ErrorCode.NoError : Http2ErrorCode.EnhanceYourCalm;
    }

    /// <summary>
    /// The client broke one stream (a stream error): it is reset both ways, and, as the client's own RST_STREAM, takes from
    /// the reset budget (MadeYouReset, CVE-2025-8671: a stream the gateway resets for the client cost an upstream stream too).
    /// </summary>
    private Http2ErrorCode ResetForClient(int streamId, Http2ErrorCode code)
    {
        if (_streams.TryGetValue(streamId, out var stream)) AbortStream(stream, code, notifyClient: true);
        else ResetClient(streamId, code);
        return _resets.TryTake() ? Http2ErrorCode.NoError : Http2ErrorCode.EnhanceYourCalm;
    }

    /// <summary>Sends RST_STREAM to the client (caller holds the lock).</summary>
    private void ResetClient(int streamId, Http2ErrorCode code)
    {
        _resetByUs.Add(streamId);
        Span<byte> payload = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        Output.Control(Http2Wire.RstStream, 0, streamId, payload);
        _flush.Add(Output);
    }

    /// <summary>An upstream connection's window or backlog moved: send what this stream's request queue holds.</summary>
    public void PumpRequest(Http2Stream stream, FlushList flush)
    {
        lock (Sync) PumpRequestLocked(stream, flush);
    }

    private void PumpRequestLocked(Http2Stream stream, FlushList flush)
    {
        if (stream.Closed || stream.Upstream is not { } upstream) return;
        var sent = upstream.Pump(stream, flush);
        var again = Math.Min(sent, stream.ReplayCredited); // the front of a replay: granted when it first went
        stream.ReplayCredited -= again;
        if (sent > again) CreditClient(stream, sent - again, flush);
    }

    /// <summary>The client's bytes left the gateway: grant the client that much again (in batches of a quarter window).</summary>
    private void CreditClient(Http2Stream? stream, int bytes, FlushList flush)
    {
        _recvCredit += bytes;
        if (_recvCredit >= Http2Wire.ConnectionWindow / 4)
        {
            Output.Frame(Http2Wire.WindowUpdate, 0, (uint)_recvCredit);
            _recvWindow += _recvCredit;
            _recvCredit = 0;
            flush.Add(Output);
        }

        if (stream is null || stream.RequestEnded || stream.Closed) return;
        stream.ClientCredit += bytes;
        if (stream.ClientCredit < Http2Wire.StreamWindow / 2) return;
        Output.Frame(Http2Wire.WindowUpdate, stream.ClientId, (uint)stream.ClientCredit);
        stream.ClientRecvWindow += stream.ClientCredit;
        stream.ClientCredit = 0;
        flush.Add(Output);
    }
}
