using Canaria.Gateway.Hosting;
using Canaria.Gateway.Routing;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Health;

/// <summary>
/// Active probes: for services with <c>health.activeProbe</c>, GETs each endpoint's probe path every
/// interval; a non-2xx answer or none marks the endpoint down until a later probe succeeds.
/// </summary>
internal sealed class ActiveHealthProber(GatewayRuntime runtime, HttpMessageInvoker client, ILogger logger)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<EndpointState, long> _nextDue = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = runtime.Options.Time;
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            do
            {
                await ProbeDueAsync(time, cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task ProbeDueAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var probes = new List<Task>();
        var seen = new HashSet<EndpointState>();
        foreach (var service in runtime.Snapshot.Services)
        {
            foreach (var (endpoint, upstreamVersion) in service.Versions.SelectMany(v => v.Endpoints.Select(e => (e, v.UpstreamVersion))))
            {
                seen.Add(endpoint);
                if (service.ActiveProbe is not { } probe)
                {
                    endpoint.ReportProbe(healthy: true);
                    continue;
                }

                if (_nextDue.TryGetValue(endpoint, out var due) && now < due)
                {
                    continue;
                }

                _nextDue[endpoint] = now + (long)(probe.Interval.TotalSeconds * time.TimestampFrequency);
                probes.Add(ProbeAsync(service, endpoint, upstreamVersion, probe.Path, probe.Timeout, cancellationToken));
            }
        }

        foreach (var gone in _nextDue.Keys.Where(e => !seen.Contains(e)).ToList())
        {
            _nextDue.Remove(gone);
        }

        await Task.WhenAll(probes).ConfigureAwait(false);
    }

    /// <summary>Probes in the HTTP version the endpoint's version is spoken to (an h2c-only backend refuses HTTP/1.1).</summary>
    private async Task ProbeAsync(CompiledService service, EndpointState endpoint, Version upstreamVersion, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool healthy;
        string detail;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.BaseUrl + path) { Version = upstreamVersion, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Options.Set(Forwarding.ForwarderClientFactory.ConnectTimeoutKey, timeout);
            using var response = await client.SendAsync(request, cts.Token).ConfigureAwait(false);
            healthy = response.IsSuccessStatusCode;
            detail = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            healthy = false;
            detail = e.Message;
        }

        if (healthy == endpoint.ProbeDown)
        {
            GatewayLog.ProbeStateChanged(logger, service.Name, endpoint.Address, healthy ? "healthy" : $"down ({detail})");
        }

        endpoint.ReportProbe(healthy);
    }
}
