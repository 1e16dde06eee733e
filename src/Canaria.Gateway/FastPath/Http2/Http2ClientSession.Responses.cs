using System.Globalization;
using System.Text;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>Responses from upstream loops to the client: heads, DATA within the client's windows, trailers, recording.</summary>
internal sealed partial class Http2ClientSession
{
    private string? _versionHeaderName;
    private byte[]? _versionHeader;
    private readonly Dictionary<string, byte[]> _versionNames = [];

    public void OnResponseHeaders(Http2Stream stream, Http2UpstreamSession upstream, HeaderList fields, bool endStream, FlushList flush)
    {
        lock (Sync)
        {
            if (stream.Closed || stream.Upstream != upstream || stream.ResponseEnded) return;
            if (!stream.ResponseStarted)
            {
                var statusIndex = fields.Find(":status"u8);
                if (statusIndex < 0 || !int.TryParse(fields.Value(statusIndex), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 999)
                {
                    upstream.Reset(stream, Http2ErrorCode.ProtocolError, flush);
                    Detach(stream);
                    FailStream(stream, "the upstream sent a malformed response head", flush);
                    return;
                }

                if (status < 200)
                {
                    if (!endStream) WriteHead(stream, fields, status, endStream: false, flush); // 103 Early Hints and the like
                    return;
                }

                stream.ResponseStarted = true;
                stream.Sent.Release(); // answered: never sent again
                var contentType = fields.Find("content-type"u8);
                stream.GrpcResponse = contentType >= 0 && fields.Value(contentType).StartsWith("application/grpc"u8);
                stream.Status = status;
                stream.Endpoint?.ReportSuccess();
                stream.Deadline?.Dispose();
                stream.Deadline = null;
                if (endStream) stream.GrpcStatus = ReadGrpcStatus(fields);
                WriteHead(stream, fields, status, endStream, flush);
            }
            else if (!endStream)
            {
                upstream.Reset(stream, Http2ErrorCode.ProtocolError, flush);
                Detach(stream);
                FailStream(stream, "the upstream sent a second response head", flush);
                return;
            }
            else
            {
                stream.GrpcStatus = ReadGrpcStatus(fields);
                upstream.ResponseEnded(stream, flush);
                if (stream.ToClient.Length == 0)
                {
                    // The usual case (a unary answer's message already went): the trailers go now, nothing is copied.
                    WriteFields(stream.ClientId, fields, endStream: true, flush);
                    stream.ResponseEnded = true;
                    EndResponse(stream, flush);
                    return;
                }

                stream.PendingTrailers = new HeaderList();
                stream.PendingTrailers.CopyFrom(fields);
                PumpResponse(stream, flush);
                return;
            }

            if (!endStream) return;
            upstream.ResponseEnded(stream, flush);
            EndResponse(stream, flush);
        }
    }

    public void OnResponseData(Http2Stream stream, Http2UpstreamSession upstream, ReadOnlySpan<byte> data, int flowLength, bool endStream, FlushList flush)
    {
        lock (Sync)
        {
            if (stream.Closed || stream.Upstream != upstream || stream.ResponseEnded || !stream.ResponseStarted)
            {
                upstream.Credit(stream, flowLength, flush);
                if (!stream.Closed && stream.Upstream == upstream && !stream.ResponseStarted)
                {
                    upstream.Reset(stream, Http2ErrorCode.ProtocolError, flush); // DATA before a response head
                    Detach(stream);
                    FailStream(stream, "the upstream sent DATA before a response head", flush);
                }

                return;
            }

            if (flowLength > stream.UpstreamRecvWindow)
            {
                upstream.CreditDropped(flowLength, flush);
                upstream.Reset(stream, Http2ErrorCode.FlowControlError, flush);
                Detach(stream);
                FailStream(stream, "the upstream overran its stream window", flush);
                return;
            }

            stream.UpstreamRecvWindow -= flowLength;
            if (flowLength > data.Length) upstream.Credit(stream, flowLength - data.Length, flush);
            stream.ToClient.Enqueue(data);
            if (endStream)
            {
                stream.EndAfterData = true;
                upstream.ResponseEnded(stream, flush);
            }

            PumpResponse(stream, flush);
        }
    }

    /// <summary>
    /// Sends the stream's queued response DATA as far as the client's windows and backlog allow, then its end (caller holds
    /// the lock); what left is granted to the upstream again.
    /// </summary>
    private void PumpResponse(Http2Stream stream, FlushList flush)
    {
        if (stream.Closed || stream.ResponseEnded || !stream.ResponseStarted) return;
        var sent = 0;
        while (stream.ToClient.Length > 0 && !Output.Congested)
        {
            var n = Math.Min(Math.Min(stream.ToClient.Length, _peer.MaxFrameSize), Math.Min(stream.ClientSendWindow, _sendWindow));
            if (n <= 0) break;
            var last = n == stream.ToClient.Length && stream.EndAfterData && stream.PendingTrailers is null;
            Output.Frame(Http2Wire.Data, last ? Http2Wire.EndStream : (byte)0, stream.ClientId, stream.ToClient.Peek(n));
            stream.ToClient.Dequeue(n);
            stream.ClientSendWindow -= n;
            _sendWindow -= n;
            sent += n;
            if (last) stream.ResponseEnded = true;
        }

        if (sent > 0)
        {
            flush.Add(Output);
            stream.DataFrom?.Credit(stream, sent, flush);
        }

        if (stream.ResponseEnded)
        {
            EndResponse(stream, flush);
            return;
        }

        if (stream.ToClient.Length > 0) return;
        if (stream.PendingTrailers is { } trailers)
        {
            WriteFields(stream.ClientId, trailers, endStream: true, flush);
            stream.PendingTrailers = null;
            stream.ResponseEnded = true;
            EndResponse(stream, flush);
        }
        else if (stream.EndAfterData)
        {
            Output.Frame(Http2Wire.Data, Http2Wire.EndStream, stream.ClientId, default);
            stream.ResponseEnded = true;
            flush.Add(Output);
            EndResponse(stream, flush);
        }
    }

    /// <summary>The response's END_STREAM went to the client: record it once and close the stream.</summary>
    private void EndResponse(Http2Stream stream, FlushList flush)
    {
        if (stream.Closed) return;
        Record(stream, stream.Status);
        if (!stream.RequestEnded) ResetClientOn(stream.ClientId, Http2ErrorCode.NoError, flush); // the answer is complete: no more body needed
        CloseStream(stream, flush);
    }

    private void WriteHead(Http2Stream stream, HeaderList fields, int status, bool endStream, FlushList flush)
    {
        _block.ResetWrittenCount();
        _encoder.BeginBlock(_block);
        _encoder.EncodeStatus(status, _block);
        var versionHeader = VersionHeaderBytes(stream.Extras.VersionHeader);
        AppendFields(fields, versionHeader);
        if (status >= 200 && stream.Extras.VersionHeader is not null) _encoder.Encode(versionHeader, VersionNameBytes(stream.Extras.VersionName), _block);
        if (status >= 200 && stream.Extras.StickyCookie is { } cookie)
        {
            _encoder.Encode("set-cookie"u8, Encoding.ASCII.GetBytes($"{cookie}={stream.Extras.VersionName}; Path=/; HttpOnly; SameSite=Lax"), _block);
        }

        Output.HeaderBlock(stream.ClientId, _block.WrittenSpan, endStream, _peer.MaxFrameSize);
        if (endStream) stream.ResponseEnded = true;
        flush.Add(Output);
    }

    private void WriteFields(int streamId, HeaderList fields, bool endStream, FlushList flush)
    {
        _block.ResetWrittenCount();
        _encoder.BeginBlock(_block);
        AppendFields(fields, default);
        Output.HeaderBlock(streamId, _block.WrittenSpan, endStream, _peer.MaxFrameSize);
        flush.Add(Output);
    }

    /// <summary>The upstream's fields minus pseudo-headers, connection-specific ones and the gateway's version header (it sets its own).</summary>
    private void AppendFields(HeaderList fields, ReadOnlySpan<byte> versionHeader)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields.Name(i);
            if (name.IsEmpty || name[0] == (byte)':' || RequestFields.IsConnectionSpecific(name)) continue;
            if (!versionHeader.IsEmpty && name.SequenceEqual(versionHeader)) continue;
            _encoder.Encode(name, fields.Value(i), _block, fields.NeverIndexed(i));
        }
    }

    /// <summary>As <see cref="GrpcStatus.Read"/>, from the field's bytes.</summary>
    private static int? ReadGrpcStatus(HeaderList fields)
    {
        var index = fields.Find("grpc-status"u8);
        if (index < 0) return null;
        return int.TryParse(fields.Value(index), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code < Canaria.Protocols.GrpcCodes.Names.Count
            ? code
            : GrpcStatus.Unknown;
    }

    private byte[] VersionNameBytes(string name)
    {
        if (_versionNames.TryGetValue(name, out var bytes)) return bytes;
        if (_versionNames.Count > 16) _versionNames.Clear(); // names of snapshots long replaced
        return _versionNames[name] = Encoding.ASCII.GetBytes(name);
    }

    private void Record(Http2Stream stream, int status)
    {
        if (stream.Recorded || stream.Version is null) return;
        stream.Recorded = true;
        var service = stream.Service!;
        // A gRPC answer that ended without grpc-status is UNKNOWN, as gRPC clients read it (and as the Kestrel path records it).
        var grpcStatus = stream.GrpcStatus ?? (stream.GrpcResponse ? GrpcStatus.Unknown : null);
        _context.Signals.Record(stream.Version.Recorder, GrpcStatus.StatusToRecord(status, grpcStatus, service.GrpcFailureMask), _context.Time.GetTimestamp() - stream.Start);
    }

    private byte[] VersionHeaderBytes(string? name)
    {
        if (!ReferenceEquals(name, _versionHeaderName))
        {
            _versionHeaderName = name;
            _versionHeader = string.IsNullOrEmpty(name) ? [] : Encoding.ASCII.GetBytes(name.ToLowerInvariant());
        }

        return _versionHeader ?? [];
    }
}
