namespace Canaria.Gateway.Metrics;

/// <summary>
/// Latency counts per bucket (not cumulative). Bucket i holds samples in
/// (<c>UpperBoundsMs[i-1]</c>, <c>UpperBoundsMs[i]</c>]; the bounds are the same for every version and
/// window, so two histograms can be compared bucket by bucket (e.g. Mann-Whitney on binned data).
/// Trailing empty buckets are left out.
/// </summary>
internal sealed record LatencyHistogram(IReadOnlyList<double> UpperBoundsMs, IReadOnlyList<long> Counts)
{
    public static LatencyHistogram Empty { get; } = new([], []);

    public static LatencyHistogram From(ReadOnlySpan<long> counts)
    {
        var last = counts.Length - 1;
        while (last >= 0 && counts[last] == 0)
        {
            last--;
        }

        if (last < 0)
        {
            return Empty;
        }

        var bounds = new double[last + 1];
        for (var i = 0; i <= last; i++)
        {
            bounds[i] = LatencyBuckets.UpperBoundMicros(i) / 1000.0;
        }

        return new LatencyHistogram(bounds, counts[..(last + 1)].ToArray());
    }
}
