using System.Globalization;
using Canaria.Core.Analysis;

namespace Canaria.Analysis.Metrics;

/// <summary>
/// One side's counts over the window as Prometheus answered them, or why they cannot be judged. Counter increases
/// are fractional (Prometheus extrapolates to the window's edges) and are rounded; a value that no count can be
/// (NaN, ±Inf, negative: a counter reset the query did not handle, or a ratio where a count belongs) makes the side
/// inconclusive with the query named, never a verdict.
/// </summary>
internal sealed record CompareSide(string Side, long Requests, long Failures, IReadOnlyList<(double LeMs, double Cumulative)>? Buckets, string? Problem)
{
    /// <summary>Prometheus failed (unreachable, timeout, an error answer): an error verdict, apart from data that cannot be judged.</summary>
    public bool SourceFailed { get; init; }

    /// <summary>More than this in one window is no count of requests (an unbounded or wrong query).</summary>
    private const double MaxCount = 1e15;

    public static CompareSide Unusable(string side, string problem) => new(side, 0, 0, null, problem);

    public static CompareSide Failed(string side, string error) => new(side, 0, 0, null, $"{side}: {error}") { SourceFailed = true };

    /// <summary>The sum of a count query's samples; null with the problem when the answer is no count.</summary>
    public static double? Count(IReadOnlyList<PrometheusSample> samples, string what, out string? problem)
    {
        problem = null;
        double sum = 0;
        foreach (var s in samples)
        {
            if (double.IsNaN(s.Value) || double.IsInfinity(s.Value) || s.Value < 0 || s.Value > MaxCount)
            {
                problem = $"{what} answered {PrometheusVector.Number(s.Value)}, which is no count (a counter reset the query does not handle, or not an increase)";
                return null;
            }
            sum += s.Value;
        }
        return sum;
    }

    /// <summary>The cumulative bucket counts by le in ms, sorted; null with the problem when the answer is no histogram.</summary>
    public static IReadOnlyList<(double LeMs, double Cumulative)>? Histogram(IReadOnlyList<PrometheusSample> samples, double toMs, string what, out string? problem)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var s in samples)
        {
            var le = s.Le == "+Inf" ? double.PositiveInfinity : double.TryParse(s.Le, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : double.NaN;
            if (double.IsNaN(le) || le < 0)
            {
                problem = $"{what} answered a series without a numeric le label: sum it by (le)";
                return null;
            }
            if (Count([s], what, out problem) is not { } value) return null;
            var key = double.IsPositiveInfinity(le) ? le : le * toMs;
            buckets[key] = buckets.GetValueOrDefault(key) + value;
        }
        problem = null;
        return buckets.Select(b => (b.Key, b.Value)).ToList();
    }

    /// <summary>
    /// Both sides' histograms over the same bounds (the union of their le), non-cumulative, so they compare bucket by
    /// bucket. A bound one side lacks takes that side's count at its next lower bound; +Inf becomes the highest finite
    /// bound, as histogram_quantile does. Extrapolation can make a cumulative count dip: a dip counts 0.
    /// </summary>
    public static (LatencyCounts Canary, LatencyCounts Stable) Aligned(IReadOnlyList<(double LeMs, double Cumulative)> canary, IReadOnlyList<(double LeMs, double Cumulative)> stable)
    {
        var bounds = canary.Select(b => b.LeMs).Union(stable.Select(b => b.LeMs)).Order().ToList();
        var finite = bounds.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var upper = bounds.Select(b => double.IsFinite(b) ? b : finite).ToList();
        return (Binned(canary, bounds, upper), Binned(stable, bounds, upper));
    }

    private static LatencyCounts Binned(IReadOnlyList<(double LeMs, double Cumulative)> side, List<double> bounds, List<double> upper)
    {
        var counts = new long[bounds.Count];
        double previous = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            var cumulative = side.LastOrDefault(b => b.LeMs <= bounds[i]).Cumulative;
            counts[i] = (long)Math.Round(Math.Max(0, cumulative - previous));
            previous = Math.Max(previous, cumulative);
        }
        return new LatencyCounts(upper, counts);
    }
}
