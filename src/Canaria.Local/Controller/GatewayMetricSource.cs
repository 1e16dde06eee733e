using Canaria.Core.Analysis;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Controller;

/// <summary>Reads a version's golden signals from the embedded gateway (per-second slots, so windows are whole seconds).</summary>
internal sealed class GatewayMetricSource(GoldenSignals signals) : IMetricSource
{
    public ValueTask<MetricWindow?> ReadAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        var length = query.To - query.From;
        if (length < TimeSpan.FromSeconds(1)) length = TimeSpan.FromSeconds(1);
        var s = signals.Query(query.Service, query.Version, length);
        return ValueTask.FromResult<MetricWindow?>(new MetricWindow
        {
            Requests = s.Requests,
            Failures = s.Failures,
            Rps = s.Rps,
            P50 = s.P50Ms,
            P95 = s.P95Ms,
            P99 = s.P99Ms,
        });
    }
}
