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
/// </summary>
internal sealed class ProxyPipeline(GatewayRuntime runtime, HttpForwarder forwarder, MirrorSender mirror, Random random, ILogger logger)
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
            return;
        }

        var decision = VersionSelector.Select(service, context.Request, random, start);
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

        if (service.MirrorVersion is { } shadow && random.NextDouble() * 100 < service.MirrorPercent
            && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            mirror.TrySend(context, service, shadow);
        }

        var status = await ForwardWithFailoverAsync(context, service, version, extras, start).ConfigureAwait(false);
        _signals.Record(version.Recorder, status, _time.GetTimestamp() - start);
    }

    private async ValueTask<int> ForwardWithFailoverAsync(HttpContext context, CompiledService service, CompiledVersion version, ResponseExtras extras, long start)
    {
        var endpoint = version.PickEndpoint(start);
        string? detail = "no endpoint of this version is available";
        for (var attempt = 0; endpoint is not null && attempt < version.Endpoints.Length; attempt++)
        {
            endpoint.RequestStarted();
            (ForwardOutcome Outcome, string? Detail) result;
            try
            {
                result = await forwarder.ForwardAsync(context, endpoint, service.ConnectTimeout, service.RequestTimeout, extras).ConfigureAwait(false);
            }
            finally
            {
                endpoint.RequestEnded();
            }

            detail = result.Detail;
            switch (result.Outcome)
            {
                case ForwardOutcome.Relayed:
                    endpoint.ReportSuccess();
                    return context.Response.StatusCode;
                case ForwardOutcome.ClientAborted:
                    return StatusCodes.Status499ClientClosedRequest;
                case ForwardOutcome.ResponseAborted:
                    return StatusCodes.Status502BadGateway;
                case ForwardOutcome.TimedOut:
                    return await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, detail, extras).ConfigureAwait(false);
                case ForwardOutcome.UpstreamFailed:
                    return await WriteErrorAsync(context, StatusCodes.Status502BadGateway, detail, extras).ConfigureAwait(false);
                case ForwardOutcome.ConnectFailed:
                    var now = _time.GetTimestamp();
                    var ejectTicks = (long)(service.EjectFor.TotalSeconds * _time.TimestampFrequency);
                    GatewayLog.ConnectFailed(logger, service.Name, version.Name, endpoint.Address, detail ?? "");
                    if (endpoint.ReportConnectFailure(service.EjectAfterFailures, ejectTicks, now))
                    {
                        GatewayLog.EndpointEjected(logger, service.Name, version.Name, endpoint.Address, service.EjectFor);
                    }

                    endpoint = version.PickEndpoint(now, exclude: endpoint);
                    break;
            }
        }

        return await WriteErrorAsync(context, StatusCodes.Status502BadGateway, detail, extras).ConfigureAwait(false);
    }

    private static async ValueTask<int> WriteErrorAsync(HttpContext context, int status, string? detail, ResponseExtras? extras = null)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return status;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        (extras is { } x ? x with { StickyCookie = null } : (ResponseExtras?)null)?.Apply(context.Response);
        context.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"canaria gateway: {detail}\n"), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client is gone; the status is still recorded.
        }

        return status;
    }
}
