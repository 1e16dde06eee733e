using Canaria.Gateway.Hosting;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Shadow traffic: sends a copy of a body-less request to the mirror version, fire-and-forget. The copy
/// never delays the real request, its response is discarded, and at most <see cref="MaxInFlight"/>
/// copies run at once (more are dropped), so a slow mirror cannot pile up work. Results are recorded
/// under <c>version/mirror</c>.
/// </summary>
internal sealed class MirrorSender(HttpMessageInvoker client, GoldenSignals signals, ILogger logger, CancellationToken stopping)
{
    public const int MaxInFlight = 256;
    private int _inFlight;

    public bool TrySend(HttpContext context, CompiledService service, CompiledVersion version)
    {
        var endpoint = version.PickEndpoint(signals.Time.GetTimestamp());
        if (endpoint is null || Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            if (endpoint is not null)
            {
                Interlocked.Decrement(ref _inFlight);
            }

            return false;
        }

        HttpRequestMessage request;
        try
        {
            request = RequestFactory.Create(context, endpoint, version.UpstreamVersion, upgrade: false, out _);
            request.Content = null;
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }

        request.Options.Set(ForwarderClientFactory.ConnectTimeoutKey, service.ConnectTimeout);
        var recorder = signals.GetRecorder(service.Name, version.Name + "/mirror");
        _ = SendAsync(request, recorder, service.RequestTimeout);
        return true;
    }

    private async Task SendAsync(HttpRequestMessage request, VersionRecorder recorder, TimeSpan timeout)
    {
        var start = signals.Time.GetTimestamp();
        var status = 502;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            cts.CancelAfter(timeout);
            using var response = await client.SendAsync(request, cts.Token).ConfigureAwait(false);
            await response.Content.CopyToAsync(Stream.Null, cts.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            status = e is OperationCanceledException ? 504 : 502;
            GatewayLog.MirrorFailed(logger, request.RequestUri?.Authority ?? "", e.Message);
        }
        finally
        {
            request.Dispose();
            signals.Record(recorder, status, signals.Time.GetTimestamp() - start);
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
