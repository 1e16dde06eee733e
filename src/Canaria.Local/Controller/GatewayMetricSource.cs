using Canaria.Core.Analysis;
using Canaria.Local.Gateway;

namespace Canaria.Local.Controller;

/// <summary>Reads a version's golden signals from the gateway process (per-second slots, so windows are whole seconds).</summary>
internal sealed class GatewayMetricSource(Func<GatewayClient> client) : IMetricSource
{
    public async ValueTask<MetricWindow?> ReadAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        var length = query.To - query.From;
        if (length < TimeSpan.FromSeconds(1)) length = TimeSpan.FromSeconds(1);
        var rows = await client().SignalsAsync(length, query.Service, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("the gateway did not answer: " + client().LastError);
        var s = rows.FirstOrDefault(r => r.Version == query.Version);
        return s is null
            ? new MetricWindow()
            : new MetricWindow { Requests = s.Requests, Failures = s.Failures, Rps = s.Rps, P50 = s.P50Ms, P95 = s.P95Ms, P99 = s.P99Ms };
    }
}
