namespace Canaria.Core.Analysis;

/// <summary>
/// Latency samples binned by upper bound (ms), non-cumulative. Two windows from the same source share the bounds,
/// so they can be compared bucket by bucket (Mann-Whitney on binned data, percentiles).
/// </summary>
internal sealed record LatencyCounts(IReadOnlyList<double> UpperBoundsMs, IReadOnlyList<long> Counts)
{
    public static LatencyCounts Empty { get; } = new([], []);

    public long Total => Counts.Sum();

    /// <summary>Counts of this window minus an earlier snapshot of the same cumulative histogram.</summary>
    public LatencyCounts Minus(LatencyCounts earlier)
    {
        var bounds = UpperBoundsMs.Count >= earlier.UpperBoundsMs.Count ? UpperBoundsMs : earlier.UpperBoundsMs;
        var counts = new long[bounds.Count];
        for (var i = 0; i < counts.Length; i++)
            counts[i] = Math.Max(0, At(i) - earlier.At(i));
        return new LatencyCounts(bounds, counts);
    }

    public long At(int bucket) => bucket < Counts.Count ? Counts[bucket] : 0;

    /// <summary>The q-quantile in ms, interpolated linearly inside its bucket; null without samples.</summary>
    public double? Quantile(double q)
    {
        var total = Total;
        if (total == 0) return null;
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < Counts.Count; i++)
        {
            if (Counts[i] == 0) continue;
            if (seen + Counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : UpperBoundsMs[i - 1];
                var fraction = Math.Clamp((rank - seen) / Counts[i], 0, 1);
                return lower + ((UpperBoundsMs[i] - lower) * fraction);
            }
            seen += Counts[i];
        }
        return UpperBoundsMs[^1];
    }
}
