using System.Buffers;
using System.Text;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Per stream, what the Kestrel path does per request: match the service, choose the version, pick an endpoint, fail a
/// connect over to the version's next endpoint, time out; or, for a stream the fast path does not serve, forward it
/// unchanged to the listener's Kestrel full path, which then does all of that once.
/// </summary>
internal sealed partial class Http2ClientSession
{
    private readonly AsciiCache _host = new(unescape: false);
    private readonly AsciiCache _path = new(unescape: true);

    /// <summary>
    /// The fast path serves a stream when its service's versions (the mirror included) all speak HTTP/2 upstream, it has
    /// no mirror, and the request is not a CONNECT; everything else (no matching service, HTTP/1.1 upstreams, mirrors,
    /// WebSocket over extended CONNECT) goes to the full path, decided before anything is chosen or counted.
    /// </summary>
    private static bool ServedHere(CompiledService? service, ReadOnlySpan<byte> method)
    {
        if (service is null || service.MirrorVersion is not null || method.SequenceEqual("CONNECT"u8)) return false;
        foreach (var version in service.Versions)
        {
            if (version.UpstreamVersion != System.Net.HttpVersion.Version20) return false;
        }

        return true;
    }

    private void Route(Http2Stream stream)
    {
        var start = _context.Time.GetTimestamp();
        var request = stream.Request;
        var snapshot = _context.Runtime.Snapshot;
        var pathBytes = request.Value(Math.Max(stream.PathIndex, 0));
        var query = pathBytes.IndexOf((byte)'?');
        var path = stream.PathIndex < 0 ? "/" : _path.Get(query < 0 ? pathBytes : pathBytes[..query]);
        var hostIndex = stream.AuthorityIndex >= 0 ? stream.AuthorityIndex : request.Find("host"u8);
        var service = snapshot.Listeners.TryGetValue(_listener.Name, out var routes)
            ? routes.Match(hostIndex < 0 ? null : _host.Get(request.Value(hostIndex)), path)
            : null;
        if (!ServedHere(service, request.Value(stream.MethodIndex)))
        {
            _context.Http2Counters.CountFullPath();
            OpenFullPath(stream);
            return;
        }

        _context.Http2Counters.CountFast();
        stream.Service = service;
        stream.Start = start;
        var contentType = request.Find("content-type"u8);
        stream.Grpc = contentType >= 0 && request.Value(contentType).StartsWith("application/grpc"u8);
        var selectorRequest = service!.Rules.Length > 0 || service.StickyCookie is not null ? BuildHttpRequest(stream, path) : FastRequestContext.Empty;
        var decision = VersionSelector.Select(service, selectorRequest, start);
        if (decision.Version is not { } version)
        {
            Answer(stream, 503, "no version with weight above 0 has a ready endpoint", service.Unrouted);
            return;
        }

        var pin = decision.Reason == RouteReason.Weight && service.StickyCookie is not null && !ReferenceEquals(version, service.Versions[0])
            ? service.StickyCookie
            : null;
        stream.Version = version;
        stream.Extras = new ResponseExtras(snapshot.VersionHeader, version.Name, pin);
        stream.Deadline = _context.Time.CreateTimer(static s => ((Http2Stream)s!).Client.OnDeadline((Http2Stream)s!), stream, service.RequestTimeout, Timeout.InfiniteTimeSpan);
        if (version.PickEndpoint(start) is not { } endpoint)
        {
            Answer(stream, 502, "no endpoint of this version is available", version.Recorder);
            return;
        }

        Dispatch(stream, endpoint, _flush);
    }

    /// <summary>
    /// Sends the stream to <paramref name="endpoint"/>. <paramref name="replay"/>: again to the same endpoint, on a new
    /// connection, because the last one refused or lost it unanswered; replays (at most two) do not use up the failover
    /// over the version's endpoints.
    /// </summary>
    private void Dispatch(Http2Stream stream, EndpointState endpoint, FlushList flush, bool replay = false)
    {
        stream.Endpoint = endpoint;
        if (replay) stream.Replays++;
        else stream.Attempts++;
        endpoint.RequestStarted();
        stream.Counted = true;
        _context.Http2PoolFor(endpoint).Open(stream, stream.Service!.ConnectTimeout, flush);
        PumpRequestLocked(stream, flush); // request DATA that waited while an earlier attempt connected
    }

    private void OpenFullPath(Http2Stream stream)
    {
        if (_fullPath is null || !_fullPath.TryOpen(stream, _flush))
        {
            _fullPath?.Retire(); // full: it closes once its last stream ends
            var port = 0;
            _fullPath = new Http2UpstreamSession(
                async ct =>
                {
                    var (socket, local) = await _listener.ConnectFullPathAsync(_connection, ct).ConfigureAwait(false);
                    port = local;
                    return socket;
                },
                _ => _listener.ReleaseFullPath(port),
                _context.Time,
                []);
            _fullPath.TryOpen(stream, _flush);
            _fullPath.Start(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>
    /// An upstream connection failed. A stream whose connect failed tries the version's next endpoint (reporting the
    /// failure for passive ejection, as the Kestrel path does); one the upstream never answered and got none of the
    /// body of is sent again on a new connection; any other is the upstream's failure.
    /// </summary>
    public void OnUpstreamFailed(Http2Stream stream, Http2UpstreamSession upstream, bool connectFailed, FlushList flush)
    {
        lock (Sync)
        {
            if (stream.Closed || stream.Upstream != upstream) return;
            Detach(stream);
            if (stream.FullPath)
            {
                AbortStream(stream, Http2ErrorCode.RefusedStream, notifyClient: true, flush);
                return;
            }

            var service = stream.Service!;
            var version = stream.Version!;
            if (connectFailed)
            {
                var now = _context.Time.GetTimestamp();
                var endpoint = stream.Endpoint!;
                GatewayLog.ConnectFailed(_context.Logger, service.Name, version.Name, endpoint.Address, "cannot connect over HTTP/2");
                if (endpoint.ReportConnectFailure(service.EjectAfterFailures, (long)(service.EjectFor.TotalSeconds * _context.Time.TimestampFrequency), now))
                {
                    GatewayLog.EndpointEjected(_context.Logger, service.Name, version.Name, endpoint.Address, service.EjectFor);
                }

                if (stream.Attempts < version.Endpoints.Length && version.PickEndpoint(now, exclude: endpoint) is { } next)
                {
                    Dispatch(stream, next, flush);
                    return;
                }

                Answer(stream, 502, "no endpoint of this version could be reached", version.Recorder, flush);
                return;
            }

            if (!stream.ResponseStarted && !stream.RequestDataSent && stream.Replays < 2)
            {
                Dispatch(stream, stream.Endpoint!, flush, replay: true);
                return;
            }

            GatewayLog.UpstreamFailed(_context.Logger, service.Name, version.Name, stream.Endpoint!.Address, "the HTTP/2 connection closed");
            FailStream(stream, "the upstream failed before answering", flush);
        }
    }

    /// <summary>The upstream reset the stream (or refused it with its GOAWAY).</summary>
    public void OnUpstreamReset(Http2Stream stream, Http2UpstreamSession upstream, Http2ErrorCode code, FlushList flush)
    {
        lock (Sync)
        {
            if (stream.Closed || stream.Upstream != upstream) return;
            Detach(stream);
            if (stream.ResponseEnded) return;
            if (code == Http2ErrorCode.RefusedStream && !stream.ResponseStarted)
            {
                // Not processed upstream (RFC 9113 §8.7): sent again when the gateway still holds all of it, else the client may retry.
                if (!stream.FullPath && !stream.SentOverflow && stream.Replays < 2)
                {
                    var again = stream.Sent;
                    stream.Sent = default;
                    stream.ReplayCredited = again.Length;
                    again.Enqueue(stream.ToUpstream.Peek(stream.ToUpstream.Length));
                    stream.ToUpstream.Release();
                    stream.ToUpstream = again;
                    stream.RequestDataSent = false;
                    Dispatch(stream, stream.Endpoint!, flush, replay: true);
                    return;
                }

                AbortStream(stream, Http2ErrorCode.RefusedStream, notifyClient: true, flush, record: false);
                return;
            }

            if (stream.FullPath)
            {
                AbortStream(stream, code == Http2ErrorCode.NoError ? Http2ErrorCode.InternalError : code, notifyClient: true, flush);
                return;
            }

            GatewayLog.UpstreamFailed(_context.Logger, stream.Service!.Name, stream.Version!.Name, stream.Endpoint!.Address, $"the upstream reset the stream ({code})");
            FailStream(stream, "the upstream failed before answering", flush);
        }
    }

    /// <summary>The request timeout ran out before the response head: 504 (gRPC: DEADLINE_EXCEEDED).</summary>
    private void OnDeadline(Http2Stream stream)
    {
        var flush = new FlushList();
        lock (Sync)
        {
            if (stream.Closed || stream.ResponseStarted) return;
            var service = stream.Service!;
            stream.Upstream?.Reset(stream, Http2ErrorCode.Cancel, flush);
            Detach(stream);
            GatewayLog.UpstreamFailed(_context.Logger, service.Name, stream.Version!.Name, stream.Endpoint?.Address ?? "", $"no response within {service.RequestTimeout.TotalMilliseconds} ms");
            Answer(stream, 504, $"no answer within {service.RequestTimeout.TotalMilliseconds} ms", stream.Version.Recorder, flush);
        }

        flush.FlushAll();
    }

    /// <summary>The stream left its upstream connection: the attempt ends for the endpoint's in-flight count.</summary>
    private static void Detach(Http2Stream stream)
    {
        stream.Upstream = null;
        stream.UpstreamDone = true;
        stream.RequestForwardedEnd = true;
        if (!stream.Counted) return;
        stream.Counted = false;
        stream.Endpoint!.RequestEnded();
    }

    /// <summary>Writes the request head toward the upstream (called under the upstream connection's lock).</summary>
    public void EncodeRequest(Http2Stream stream, HpackEncoder encoder, IBufferWriter<byte> block, ReadOnlySpan<byte> authority)
    {
        var request = stream.Request;
        if (stream.FullPath)
        {
            for (var i = 0; i < request.Count; i++) encoder.Encode(request.Name(i), request.Value(i), block, request.NeverIndexed(i));
            return;
        }

        encoder.Encode(":method"u8, request.Value(stream.MethodIndex), block);
        encoder.Encode(":scheme"u8, "http"u8, block);
        encoder.Encode(":authority"u8, authority, block);
        encoder.Encode(":path"u8, request.Value(stream.PathIndex), block);
        var forwardedFor = -1;
        var priorForwards = 0;
        for (var i = 0; i < request.Count; i++)
        {
            var name = request.Name(i);
            if (name[0] == (byte)':' || name.SequenceEqual("host"u8) || name.SequenceEqual("x-forwarded-proto"u8) || name.SequenceEqual("x-forwarded-host"u8)) continue;
            if (name.SequenceEqual("x-forwarded-for"u8))
            {
                forwardedFor = forwardedFor < 0 ? i : forwardedFor;
                priorForwards++;
                continue;
            }

            encoder.Encode(name, request.Value(i), block, request.NeverIndexed(i));
        }

        EncodeForwarded(stream, encoder, block, forwardedFor, priorForwards);
    }

    private void EncodeForwarded(Http2Stream stream, HpackEncoder encoder, IBufferWriter<byte> block, int forwardedFor, int priorForwards)
    {
        var request = stream.Request;
        if (forwardedFor < 0)
        {
            encoder.Encode("x-forwarded-for"u8, _clientIp, block);
        }
        else
        {
            // The prior values, in order, then the client: "a, b, client" (as the Kestrel path forwards it).
            var joined = new ArrayBufferWriter<byte>(256);
            for (var i = forwardedFor; i < request.Count && priorForwards > 0; i++)
            {
                if (!request.Name(i).SequenceEqual("x-forwarded-for"u8)) continue;
                joined.Write(request.Value(i));
                joined.Write(", "u8);
                priorForwards--;
            }

            joined.Write(_clientIp);
            encoder.Encode("x-forwarded-for"u8, joined.WrittenSpan, block);
        }

        encoder.Encode("x-forwarded-proto"u8, "http"u8, block);
        var host = stream.AuthorityIndex >= 0 ? stream.AuthorityIndex : request.Find("host"u8);
        if (host >= 0) encoder.Encode("x-forwarded-host"u8, request.Value(host), block);
    }

    /// <summary>The <see cref="HttpRequest"/> rules and stickiness read, built only for services that have them.</summary>
    private HttpRequest BuildHttpRequest(Http2Stream stream, string path)
    {
        var request = stream.Request;
        var context = new DefaultHttpContext();
        var target = request.Value(stream.PathIndex);
        var query = target.IndexOf((byte)'?');
        context.Request.Method = Encoding.ASCII.GetString(request.Value(stream.MethodIndex));
        context.Request.Scheme = "http";
        context.Request.Path = new PathString(path);
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(Encoding.Latin1.GetString(target[query..]));
        context.Connection.RemoteIpAddress = _connection.ClientAddress;
        if (stream.AuthorityIndex >= 0) context.Request.Host = new HostString(Encoding.Latin1.GetString(request.Value(stream.AuthorityIndex)));
        for (var i = 0; i < request.Count; i++)
        {
            var name = request.Name(i);
            if (name[0] == (byte)':') continue;
            context.Request.Headers.Append(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(request.Value(i)));
        }

        return context.Request;
    }
}
