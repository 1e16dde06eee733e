using System.Text;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// The per-request path: read one snapshot, match the service, choose the version, pick an endpoint,
/// forward (trying another endpoint of the same version when a connect fails), record the golden signals.
/// Requests the client broke are recorded as client errors, never as the version's requests or failures.
/// </summary>
internal sealed class ProxyPipeline(GatewayRuntime runtime, HttpForwarder forwarder, MirrorSender mirror, ILogger logger)
{
    private readonly GoldenSignals _signals = runtime.Signals;
    private readonly TimeProvider _time = runtime.Signals.Time;

    public async Task HandleAsync(HttpContext context, string listener)
    {
        var start = _time.GetTimestamp();
        var snapshot = runtime.Snapshot;
        var service = snapshot.Listeners.TryGetValue(listener, out var routes)
            ? routes.Match(context.Request.Headers.Host.ToString(), context.Request.Path.Value ?? "/")
            : null;
        if (service is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "no service matches this host and path").ConfigureAwait(false);
            _signals.RecordClientError(_signals.GetRecorder(listener, GoldenSignals.NoRouteVersion), ClientErrorKind.NoRoute);
            return;
        }

        var decision = VersionSelector.Select(service, context.Request, start);
        if (decision.Version is not { } version)
        {
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "no version with weight above 0 has a ready endpoint").ConfigureAwait(false);
            _signals.Record(service.Unrouted, StatusCodes.Status503ServiceUnavailable, _time.GetTimestamp() - start);
            return;
        }

        var pin = decision.Reason == RouteReason.Weight && service.StickyCookie is not null && !ReferenceEquals(version, service.Versions[0])
            ? service.StickyCookie
            : null;
        var extras = new ResponseExtras(snapshot.VersionHeader, version.Name, pin);

        // Requests with a body, upgrades and CONNECTs (a tunnel cannot be copied) are never mirrored.
        if (service.MirrorVersion is { } shadow && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true
            && context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true && !HttpMethods.IsConnect(context.Request.Method)
            && VersionSelector.ShouldMirror(service))
        {
            mirror.TrySend(context, service, shadow);
        }

        var (status, clientError) = await ForwardWithFailoverAsync(context, service, version, extras, start).ConfigureAwait(false);
        if (clientError is { } kind)
        {
            // The client broke this request: it is neither a request nor a failure of the version.
            _signals.RecordClientError(version.Recorder, kind);
            return;
        }

        _signals.Record(version.Recorder, status, _time.GetTimestamp() - start);
    }

    /// <summary>The status to record: the HTTP status, or for a gRPC call that ended with a failure code, the 5xx it maps to.</summary>
    private async ValueTask<(int Status, ClientErrorKind? ClientError)> ForwardWithFailoverAsync(
        HttpContext context, CompiledService service, CompiledVersion version, ResponseExtras extras, long start)
    {
        var endpoint = version.PickEndpoint(start);
        var message = "no endpoint of this version is available";
        for (var attempt = 0; endpoint is not null && attempt < version.Endpoints.Length; attempt++)
        {
            endpoint.RequestStarted();
            ForwardResult result;
            try
            {
                result = await forwarder.ForwardAsync(context, endpoint, version.UpstreamVersion, service.ConnectTimeout, service.RequestTimeout, extras).ConfigureAwait(false);
            }
            finally
            {
                endpoint.RequestEnded();
            }

            // Details may name the upstream's address: they go to the log, never into a response.
            var detail = result.Detail ?? "";
            switch (result.Outcome)
            {
                case ForwardOutcome.Relayed:
                    endpoint.ReportSuccess();
                    return (GrpcStatus.StatusToRecord(context.Response.StatusCode, result.GrpcStatus, service.GrpcFailureMask), null);
                case ForwardOutcome.ClientAborted:
                    GatewayLog.ClientError(logger, service.Name, version.Name, ClientErrorKinds.Label(ClientErrorKind.Aborted), "the client went away");
                    return (StatusCodes.Status499ClientClosedRequest, ClientErrorKind.Aborted);
                case ForwardOutcome.RequestBodyFailed:
                    return await RejectBodyAsync(context, service, version, result.RequestBodyError, extras).ConfigureAwait(false);
                case ForwardOutcome.ResponseAborted:
                    GatewayLog.UpstreamFailed(logger, service.Name, version.Name, endpoint.Address, detail);
                    return (StatusCodes.Status502BadGateway, null);
                case ForwardOutcome.TimedOut:
                    GatewayLog.UpstreamFailed(logger, service.Name, version.Name, endpoint.Address, detail);
                    return (await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, $"no answer within {service.RequestTimeout.TotalMilliseconds} ms", extras).ConfigureAwait(false), null);
                case ForwardOutcome.UpstreamFailed:
                    GatewayLog.UpstreamFailed(logger, service.Name, version.Name, endpoint.Address, detail);
                    return (await WriteErrorAsync(context, StatusCodes.Status502BadGateway, "the upstream failed before answering", extras).ConfigureAwait(false), null);
                case ForwardOutcome.ConnectFailed:
                    var now = _time.GetTimestamp();
                    var ejectTicks = (long)(service.EjectFor.TotalSeconds * _time.TimestampFrequency);
                    GatewayLog.ConnectFailed(logger, service.Name, version.Name, endpoint.Address, detail);
                    if (endpoint.ReportConnectFailure(service.EjectAfterFailures, ejectTicks, now))
                    {
                        GatewayLog.EndpointEjected(logger, service.Name, version.Name, endpoint.Address, service.EjectFor);
                    }

                    message = "no endpoint of this version could be reached";
                    endpoint = version.PickEndpoint(now, exclude: endpoint);
                    break;
            }
        }

        return (await WriteErrorAsync(context, StatusCodes.Status502BadGateway, message, extras).ConfigureAwait(false), null);
    }

    /// <summary>The client's request body could not be read: 400 (or Kestrel's 408/413) while the client still listens; a client error either way.</summary>
    private async ValueTask<(int Status, ClientErrorKind? ClientError)> RejectBodyAsync(
        HttpContext context, CompiledService service, CompiledVersion version, Exception? error, ResponseExtras extras)
    {
        GatewayLog.ClientError(logger, service.Name, version.Name, ClientErrorKinds.Label(ClientErrorKind.BadRequestBody), error?.Message ?? "");

        // Kestrel's BadHttpRequestException says what was wrong (bad framing, unexpected end, too large) and which status fits.
        var (status, message) = error switch
        {
            BadHttpRequestException bad => (bad.StatusCode, $"the request body is malformed: {bad.Message}"),
            TimeoutException => (StatusCodes.Status408RequestTimeout, "the request body did not arrive in time"),
            _ => (StatusCodes.Status400BadRequest, "the request body could not be read"),
        };
        return (await WriteErrorAsync(context, status, message, extras).ConfigureAwait(false), ClientErrorKind.BadRequestBody);
    }

    /// <summary>
    /// Answers with a short plain-text error of the gateway's own, or to a gRPC call, a trailers-only gRPC answer
    /// (UNAVAILABLE for 502/503, DEADLINE_EXCEEDED for 504) that gRPC clients understand. The message never names an upstream address.
    /// </summary>
    private static async ValueTask<int> WriteErrorAsync(HttpContext context, int status, string message, ResponseExtras? extras = null)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return status;
        }

        context.Response.Clear();
        (extras is { } x ? x with { StickyCookie = null } : (ResponseExtras?)null)?.Apply(context.Response);
        if (GrpcErrors.IsGrpcRequest(context.Request))
        {
            GrpcErrors.WriteTrailersOnly(context.Response, status, $"canaria gateway: {message}");
            return status;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes($"canaria gateway: {message}\n");
        context.Response.ContentLength = body.Length;
        try
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client is gone; the status is still recorded.
        }

        return status;
    }
}
