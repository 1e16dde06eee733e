using System.Numerics;

namespace Canaria.Gateway.Metrics;

/// <summary>
/// Fixed log-linear latency buckets over microseconds: 4 buckets per power of two (≤ 25% relative
/// width) from 1 µs to ~134 s; values above land in the last bucket. Memory is fixed whatever the traffic.
/// </summary>
internal static class LatencyBuckets
{
    public const int Count = 104;

    private static readonly double[] UpperBoundsMicros = BuildUpperBounds();

    public static int IndexOf(long micros)
    {
        if (micros < 4)
        {
            return micros < 0 ? 0 : (int)micros;
        }

        var e = BitOperations.Log2((ulong)micros);
        var index = (4 * (e - 1)) + (int)((micros >> (e - 2)) & 3);
        return index < Count ? index : Count - 1;
    }

    public static double LowerBoundMicros(int index) => index == 0 ? 0 : UpperBoundsMicros[index - 1];

    public static double UpperBoundMicros(int index) => UpperBoundsMicros[index];

    /// <summary>Quantile in milliseconds by linear interpolation inside the bucket; null when there are no samples.</summary>
    public static double? QuantileMs(ReadOnlySpan<long> counts, long total, double q)
    {
        if (total <= 0)
        {
            return null;
        }

        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }

            if (seen + counts[i] >= rank)
            {
                var fraction = (rank - seen) / counts[i];
                var lower = LowerBoundMicros(i);
                return (lower + ((UpperBoundMicros(i) - lower) * fraction)) / 1000.0;
            }

            seen += counts[i];
        }

        return UpperBoundMicros(counts.Length - 1) / 1000.0;
    }

    private static double[] BuildUpperBounds()
    {
        var bounds = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            if (i < 4)
            {
                bounds[i] = i + 1;
                continue;
            }

            var e = (i / 4) + 1;
            var sub = i % 4;
            bounds[i] = (5L + sub) << (e - 2);
        }

        return bounds;
    }
}
