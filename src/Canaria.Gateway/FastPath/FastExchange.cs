using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Serves one request of a fast-path connection: match the service, choose the version (the shared
/// <see cref="VersionSelector"/>), pick an endpoint, forward over a pooled upstream connection (trying the version's
/// next endpoint when a connect fails), record golden signals or a client error, exactly as the Kestrel path does.
/// Buffers and parsed heads belong to the connection and are reused, so a plain request allocates nothing.
/// </summary>
internal sealed class FastExchange(FastConnection connection, FastPathContext context, string listener, byte[] clientIp) : IDisposable
{
    private readonly AsciiCache _host = new(unescape: false);
    private readonly AsciiCache _path = new(unescape: true);
    private readonly ResponseHead _response = new();
    private readonly FastUpstreamExchange _upstream = new(connection, context);
    private byte[] _line = new byte[256];
    private VersionRecorder? _recorder;
    private long _start;
    private bool _recorded;
    private string? _versionHeaderName;
    private byte[]? _versionHeader;

    public RequestHead Request { get; } = new();

    /// <summary>
    /// Serves the request whose head was just parsed from <paramref name="bytes"/>, or leaves it unread when its service
    /// needs the full path (decided per request from the live snapshot, so a service that turns to HTTP/2 under a bound
    /// listener is handed over from its next request on).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<NextStep> ServeAsync(ReadOnlySequence<byte> buffer, ReadOnlyMemory<byte> bytes)
    {
        var request = Request;
        var start = context.Time.GetTimestamp();
        var snapshot = context.Runtime.Snapshot;
        var versionHeader = VersionHeaderBytes(snapshot.VersionHeader);
        var path = _path.Get(request.Path(bytes.Span));
        var service = snapshot.Listeners.TryGetValue(listener, out var routes)
            ? routes.Match(request.HostIndex < 0 ? null : _host.Get(request.Host(bytes.Span)), path)
            : null;
        var keepAlive = request.KeepAlive && request.Http11 && !request.HasBody; // an answer without forwarding leaves a body unread
        if (service is null)
        {
            connection.Input.AdvanceTo(buffer.GetPosition(request.Length));
            context.Signals.RecordClientError(context.Signals.GetRecorder(listener, GoldenSignals.NoRouteVersion), ClientErrorKind.NoRoute);
            await AnswerAsync(404, "no service matches this host and path", null, keepAlive).ConfigureAwait(false);
            return keepAlive ? NextStep.KeepAlive : NextStep.Close;
        }

        if (service.SpeaksHttp2Upstream)
        {
            return NextStep.HandToFullPath; // nothing consumed, chosen or counted: Kestrel does all of that once
        }

        HttpContext? httpContext = null;
        var selectorRequest = service.Rules.Length > 0 || service.StickyCookie is not null
            ? (httpContext = FastRequestContext.Build(bytes.Span, request, path, connection.ClientAddress)).Request
            : FastRequestContext.Empty;
        var decision = VersionSelector.Select(service, selectorRequest, start);
        if (decision.Version is not { } version)
        {
            connection.Input.AdvanceTo(buffer.GetPosition(request.Length));
            context.Signals.Record(service.Unrouted, 503, context.Time.GetTimestamp() - start);
            await AnswerAsync(503, "no version with weight above 0 has a ready endpoint", null, keepAlive).ConfigureAwait(false);
            return keepAlive ? NextStep.KeepAlive : NextStep.Close;
        }

        var pin = decision.Reason == RouteReason.Weight && service.StickyCookie is not null && !ReferenceEquals(version, service.Versions[0])
            ? service.StickyCookie
            : null;
        var extras = new ResponseExtras(snapshot.VersionHeader, version.Name, pin);
        _recorder = version.Recorder;
        _start = start;
        _recorded = false;
        // As on the Kestrel path: requests with a body and upgrades are never mirrored, and only they skip the sampler.
        if (service.MirrorVersion is { } shadow && !request.HasBody && !request.IsUpgrade && VersionSelector.ShouldMirror(service))
        {
            context.Mirror.TrySend(httpContext ?? FastRequestContext.Build(bytes.Span, request, path, connection.ClientAddress), service, shadow);
        }

        // Rented per request (not per connection), so idle keep-alive connections hold no large buffers.
        var upstreamHead = ArrayPool<byte>.Shared.Rent(UpstreamRequestWriter.BufferSize);
        ExchangeOutcome outcome;
        try
        {
            outcome = await ForwardAsync(request, bytes, buffer, upstreamHead, new ResponseExtras(snapshot.VersionHeader, version.Name, pin), service, version, versionHeader).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(upstreamHead);
        }

        Record(outcome.Status, outcome.ClientError);
        return outcome.KeepAlive ? NextStep.KeepAlive : NextStep.Close;
    }

    private ValueTask<ExchangeOutcome> ForwardAsync(
        RequestHead request, ReadOnlyMemory<byte> bytes, ReadOnlySequence<byte> buffer, byte[] upstreamHead, ResponseExtras extras,
        CompiledService service, CompiledVersion version, byte[]? versionHeader)
    {
        var restEnd = UpstreamRequestWriter.WriteRest(upstreamHead, bytes.Span, request, clientIp);

        // The head's bytes live in the pipe and are released once the body is read: keep the request line apart.
        var lineLength = request.MethodLength + 1 + request.TargetLength;
        if (_line.Length < lineLength) _line = new byte[Math.Max(lineLength, _line.Length * 2)];
        bytes.Span[..lineLength].CopyTo(_line);
        return _upstream.ForwardAsync(new UpstreamRequest(_line.AsMemory(0, lineLength), upstreamHead, restEnd, service, version, extras, versionHeader, _response, RequestReplay.IsRepeatable(request, bytes.Span)), buffer);
    }

    /// <summary>
    /// Records the request's outcome once: called before the last bytes of the answer go out (so a client that has its
    /// answer finds it counted, as on the Kestrel path), or after the exchange when nothing was answered.
    /// </summary>
    public void Record(int status, ClientErrorKind? clientError = null)
    {
        if (_recorded || _recorder is null) return;
        _recorded = true;
        if (clientError is { } kind)
        {
            context.Signals.RecordClientError(_recorder, kind);
        }
        else
        {
            context.Signals.Record(_recorder, status, context.Time.GetTimestamp() - _start);
        }
    }

    public void Dispose()
    {
        _upstream.Dispose();
    }

    private async ValueTask AnswerAsync(int status, string message, ResponseExtras? extras, bool keepAlive)
    {
        var close = !keepAlive || connection.Draining;
        await connection.SendAsync(ClientResponseWriter.Error(status, message, extras, _versionHeader, close), connection.Aborted).ConfigureAwait(false);
    }

    private byte[]? VersionHeaderBytes(string? name)
    {
        if (!ReferenceEquals(name, _versionHeaderName))
        {
            _versionHeaderName = name;
            _versionHeader = string.IsNullOrEmpty(name) ? null : Encoding.ASCII.GetBytes(name);
        }

        return _versionHeader;
    }
}
