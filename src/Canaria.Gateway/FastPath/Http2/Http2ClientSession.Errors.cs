using System.Globalization;
using System.Text;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>How a stream ends other than with the upstream's answer: the gateway's own answers, resets, client aborts.</summary>
internal sealed partial class Http2ClientSession
{
    /// <summary>
    /// The client broke or left the stream (its RST_STREAM, a flow-control error, the connection gone): the upstream stream
    /// is cancelled and the stream is recorded as a client error (aborted), never as the version's request.
    /// </summary>
    private void AbortStream(Http2Stream stream, Http2ErrorCode code, bool notifyClient, FlushList? flush = null, bool record = true)
    {
        flush ??= _flush;
        if (stream.Closed) return;
        if (notifyClient && !stream.ResponseEnded) ResetClientOn(stream.ClientId, code, flush);
        stream.ResponseEnded = true;
        stream.RequestEnded = true;
        stream.Upstream?.Reset(stream, Http2ErrorCode.Cancel, flush);
        Detach(stream);
        if (record && stream.Version is { } version && !stream.Recorded)
        {
            stream.Recorded = true;
            GatewayLog.ClientError(_context.Logger, stream.Service!.Name, version.Name, ClientErrorKinds.Label(ClientErrorKind.Aborted), $"the client ended the stream ({code})");
            _context.Signals.RecordClientError(version.Recorder, ClientErrorKind.Aborted);
        }

        CloseStream(stream, flush);
    }

    /// <summary>
    /// The upstream failed the stream (already detached from it): 502 when nothing was answered yet (gRPC: UNAVAILABLE),
    /// else the client's stream is reset; 502 is recorded either way.
    /// </summary>
    private void FailStream(Http2Stream stream, string message, FlushList flush)
    {
        if (!stream.ResponseStarted)
        {
            Answer(stream, 502, message, stream.Version!.Recorder, flush);
            return;
        }

        if (!stream.ResponseEnded) ResetClientOn(stream.ClientId, Http2ErrorCode.InternalError, flush);
        stream.ResponseEnded = true;
        Record(stream, 502);
        CloseStream(stream, flush);
    }

    /// <summary>
    /// Answers with the gateway's own short error, or to a gRPC call a trailers-only answer (UNAVAILABLE for 502/503,
    /// DEADLINE_EXCEEDED for 504), as the Kestrel path does; <paramref name="status"/> is recorded. Never names an upstream.
    /// </summary>
    private void Answer(Http2Stream stream, int status, string message, VersionRecorder recorder, FlushList? flush = null)
    {
        flush ??= _flush;
        if (stream.Closed) return;
        if (!stream.Recorded)
        {
            stream.Recorded = true;
            _context.Signals.Record(recorder, status, _context.Time.GetTimestamp() - stream.Start);
        }

        stream.ResponseStarted = true;
        stream.Status = status;
        var text = $"canaria gateway: {message}";
        _block.ResetWrittenCount();
        _encoder.BeginBlock(_block);
        if (stream.Grpc)
        {
            var code = status switch
            {
                504 or 408 => GrpcStatus.DeadlineExceeded,
                502 or 503 => GrpcStatus.Unavailable,
                404 => 12,
                _ => 13,
            };
            _encoder.EncodeStatus(200, _block);
            _encoder.Encode("content-type"u8, "application/grpc"u8, _block);
            AppendVersionHeader(stream);
            _encoder.Encode("grpc-status"u8, Encoding.ASCII.GetBytes(code.ToString(CultureInfo.InvariantCulture)), _block);
            _encoder.Encode("grpc-message"u8, Encoding.ASCII.GetBytes(Uri.EscapeDataString(text)), _block);
            Output.HeaderBlock(stream.ClientId, _block.WrittenSpan, endStream: true, _peer.MaxFrameSize);
            stream.ResponseEnded = true;
            flush.Add(Output);
            EndResponse(stream, flush);
            return;
        }

        var body = Encoding.UTF8.GetBytes(text + "\n");
        stream.DataFrom = null; // the gateway's own body: no upstream connection is owed window for it
        _encoder.EncodeStatus(status, _block);
        _encoder.Encode("content-type"u8, "text/plain; charset=utf-8"u8, _block);
        _encoder.Encode("content-length"u8, Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture)), _block);
        AppendVersionHeader(stream);
        Output.HeaderBlock(stream.ClientId, _block.WrittenSpan, endStream: false, _peer.MaxFrameSize);
        flush.Add(Output);
        stream.ToClient.Enqueue(body);
        stream.EndAfterData = true;
        PumpResponse(stream, flush);
    }

    /// <summary>The version header on the gateway's own answers (never the sticky cookie, as on the Kestrel path).</summary>
    private void AppendVersionHeader(Http2Stream stream)
    {
        if (stream.Extras.VersionHeader is null || stream.Version is null) return;
        _encoder.Encode(VersionHeaderBytes(stream.Extras.VersionHeader), VersionNameBytes(stream.Extras.VersionName), _block);
    }

    private void ResetClientOn(int streamId, Http2ErrorCode code, FlushList flush)
    {
        _resetByUs.Add(streamId);
        Output.Frame(Http2Wire.RstStream, streamId, (uint)code);
        flush.Add(Output);
    }

    /// <summary>Forgets the stream: its timer, queues, upstream stream and in-flight count; a draining connection closes after its last.</summary>
    private void CloseStream(Http2Stream stream, FlushList flush)
    {
        if (stream.Closed) return;
        stream.Closed = true;
        _streams.Remove(stream.ClientId);
        stream.Deadline?.Dispose();
        stream.Deadline = null;
        GiveBackDropped(stream, flush);
        stream.ToClient.Release();
        stream.ToUpstream.Release();
        stream.Sent.Release();
        if (stream.Upstream is { } upstream) upstream.Reset(stream, Http2ErrorCode.Cancel, flush);
        Detach(stream);
        if (_streams.Count > 0) return;
        _connection.MarkIdle();
        if (_goAwaySent || _peerGoAway) Close();
    }

    /// <summary>
    /// The bytes a closing stream still holds counted against both peers' connection windows: the response DATA is granted
    /// to the upstream connection it came on, the request DATA to the client, or the connections shrink for good.
    /// </summary>
    private void GiveBackDropped(Http2Stream stream, FlushList flush)
    {
        if (stream.ToClient.Length > 0 && stream.DataFrom is { } from)
        {
            from.CreditDropped(stream.ToClient.Length, flush);
        }

        var unsent = stream.ToUpstream.Length - stream.ReplayCredited; // a replayed copy was granted when it first went
        if (unsent > 0) CreditClient(null, unsent, flush);
    }
}
