namespace Canaria.AnalysisBench;

/// <summary>
/// A counter as Prometheus stores it: one sample per scrape. <see cref="Increase"/> follows PromQL's increase(): the
/// difference between the first and last sample inside the range, extrapolated towards the range's edges (all the way
/// when the gap is under 1.1 average scrape intervals, else half an interval), and null with fewer than two samples.
/// </summary>
internal sealed class ScrapedCounter
{
    private readonly List<(TimeSpan At, double Value)> _samples = [];

    public void Scrape(TimeSpan at, double value) => _samples.Add((at, value));

    public double? Increase(TimeSpan from, TimeSpan to)
    {
        var inRange = _samples.Where(s => s.At > from && s.At <= to).ToList();
        if (inRange.Count < 2) return null;
        var (first, last) = (inRange[0], inRange[^1]);
        var sampled = (last.At - first.At).TotalSeconds;
        var average = sampled / (inRange.Count - 1);
        var toStart = (first.At - from).TotalSeconds;
        var toEnd = (to - last.At).TotalSeconds;
        var raw = last.Value - first.Value;
        // A counter does not extrapolate below zero: at most back to where it would have started from 0.
        if (raw > 0 && first.Value >= 0) toStart = Math.Min(toStart, sampled * (first.Value / raw));
        var extended = sampled + (toStart < average * 1.1 ? toStart : average / 2) + (toEnd < average * 1.1 ? toEnd : average / 2);
        return raw * extended / sampled;
    }
}
