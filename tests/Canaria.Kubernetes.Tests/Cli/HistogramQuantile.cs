namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>The expected value of PromQL's histogram_quantile for a distribution a fake exporter serves (linear interpolation inside the bucket).</summary>
internal static class HistogramQuantile
{
    /// <param name="buckets">Cumulative shares per upper bound, ascending; the +Inf bucket holds everything (share 1).</param>
    public static double Of(double q, IReadOnlyList<(double Le, double Share)> buckets)
    {
        var lower = 0.0;
        var below = 0.0;
        foreach (var (le, share) in buckets)
        {
            if (share >= q) return lower + ((le - lower) * (q - below) / (share - below));
            lower = le;
            below = share;
        }
        return lower; // in the +Inf bucket: Prometheus answers the highest finite bound
    }
}
