namespace Canaria.Core.Analysis;

/// <summary>What to measure: one version of one rollout over [From, To).</summary>
internal sealed record MetricQuery(string Rollout, string Service, string Version, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Reads golden signals for one version. The gateway implements it on the local platform; Prometheus and
/// web sources implement it for clusters. A null window means the source had no data (inconclusive).
/// </summary>
internal interface IMetricSource
{
    ValueTask<MetricWindow?> ReadAsync(MetricQuery query, CancellationToken cancellationToken);
}
