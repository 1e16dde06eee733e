namespace Canaria.Cli.Load;

/// <summary>
/// Latencies in log-spaced buckets 5% wide (0.01 ms to about 4 minutes): constant memory however long a load runs,
/// quantiles rounded up to the bucket's upper bound (at most 5% high). Thread-safe.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double FirstBoundMs = 0.01;
    private const double Growth = 1.05;
    private const int Buckets = 350;
    private readonly long[] _counts = new long[Buckets];

    public void Add(double milliseconds)
    {
        var i = milliseconds <= FirstBoundMs ? 0 : (int)Math.Ceiling(Math.Log(milliseconds / FirstBoundMs) / Math.Log(Growth));
        Interlocked.Increment(ref _counts[Math.Clamp(i, 0, Buckets - 1)]);
    }

    /// <summary>The <paramref name="q"/> quantile (0..1) in milliseconds, or null without samples.</summary>
    public double? Quantile(double q)
    {
        var counts = _counts.Select(c => Interlocked.Read(ref c)).ToArray();
        var total = counts.Sum();
        if (total == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += counts[i];
            if (seen >= rank) return FirstBoundMs * Math.Pow(Growth, i);
        }
        return FirstBoundMs * Math.Pow(Growth, Buckets - 1);
    }
}
