namespace Canaria.Core.Analysis;

/// <summary>Golden signals of one version over one window, as a metric source reports them.</summary>
internal sealed record MetricWindow
{
    public long Requests { get; init; }
    public long Failures { get; init; }
    public double Rps { get; init; }
    public double? P50 { get; init; }
    public double? P95 { get; init; }
    public double? P99 { get; init; }

    /// <summary>Binned latencies, when the source has them (the gateway does); comparisons with stable need them.</summary>
    public LatencyCounts? Latency { get; init; }

    public double SuccessRate => Requests == 0 ? double.NaN : (Requests - Failures) / (double)Requests;
}
