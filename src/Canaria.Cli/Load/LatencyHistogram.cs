using Canaria.Gateway.Metrics;

namespace Canaria.Cli.Load;

/// <summary>
/// A load run's latencies in the gateway's own buckets (<see cref="LatencyBuckets"/>), so `canaria load` and the
/// gateway's signals report percentiles the same way: constant memory however long a load runs. Thread-safe.
/// </summary>
internal sealed class LatencyHistogram
{
    private readonly long[] _counts = new long[LatencyBuckets.Count];

    public void Add(double milliseconds) =>
        Interlocked.Increment(ref _counts[LatencyBuckets.IndexOf((long)(milliseconds * 1000))]);

    /// <summary>The <paramref name="q"/> quantile (0..1) in milliseconds, or null without samples.</summary>
    public double? Quantile(double q)
    {
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref _counts[i]);
        return LatencyBuckets.QuantileMs(counts, counts.Sum(), q);
    }
}
