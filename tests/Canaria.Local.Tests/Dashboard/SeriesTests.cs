using Canaria.Core.Analysis;
using Canaria.Local.Dashboard.Series;

namespace Canaria.Local.Tests.Dashboard;

public sealed class SeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _seq;

    [Fact]
    public void Ring_MoreItemsThanCapacity_KeepsTheNewestInOrder()
    {
        var ring = new Ring<int>(100);
        for (var i = 0; i < 1000; i++) ring.Add(i);
        Assert.Equal(100, ring.Count);
        Assert.Equal(Enumerable.Range(900, 100), ring.Where(_ => true));
    }

    [Fact]
    public void AddSignals_AnHourOfSamples_HoldsAtMostTheCapacityAndTheNewestPoints()
    {
        var series = new RolloutSeries();
        for (var s = 0; s <= 3600; s++)
        {
            series.AddSignals(Next, T0.AddSeconds(s), "v1", "stable", 90, Totals(requests: s * 100, failures: s));
            series.AddSignals(Next, T0.AddSeconds(s), "v2", "canary", 10, Totals(requests: s * 10, failures: 0));
        }
        var all = series.After(0, _seq).Signals;
        Assert.Equal(RolloutSeries.SignalCapacity, all.Count);
        Assert.Equal(T0.AddSeconds(3600), all[^1].At);
        var v1 = all.Last(p => p.Version == "v1");
        Assert.Equal(100, v1.Rps, 6);
        Assert.Equal(0.99, v1.SuccessRate!.Value, 6);
        Assert.Equal(10, all.Last(p => p.Version == "v2").Rps, 6);
    }

    [Fact]
    public void After_ASequenceNumber_ReturnsOnlyNewerPoints()
    {
        var series = new RolloutSeries();
        for (var s = 0; s < 5; s++) series.AddSignals(Next, T0.AddSeconds(s), "v1", "stable", 100, Totals(s * 10, 0));
        var first = series.After(0, _seq);
        Assert.Equal(4, first.Signals.Count); // the first sample only remembers the totals
        series.AddSignals(Next, T0.AddSeconds(5), "v1", "stable", 100, Totals(50, 0));
        var next = series.After(first.Seq, _seq);
        Assert.Equal(T0.AddSeconds(5), Assert.Single(next.Signals).At);
    }

    [Fact]
    public void AddLlr_EveryTickForAnHour_KeepsOnePer250msAndEveryVerdictChangeWithinTheBound()
    {
        var series = new RolloutSeries();
        for (var i = 0; i < 36_000; i++)
            series.AddLlr(Next, new LlrPoint(0, T0.AddMilliseconds(i * 100), "errors", 0, i / 1000.0, -2.99, 6.86, "Pending"));
        series.AddLlr(Next, new LlrPoint(0, T0.AddMilliseconds(36_000 * 100), "errors", 0, 7.1, -2.99, 6.86, "Fail"));
        var points = series.After(0, _seq).Llr;
        Assert.Equal(RolloutSeries.LlrCapacity, points.Count);
        Assert.Equal("Fail", points[^1].Verdict); // a crossing is kept even right after another point
        Assert.All(points.Zip(points.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromMilliseconds(200) || pair.Second.Verdict != pair.First.Verdict));
    }

    [Fact]
    public void Bounds_DefaultAlphaAndBeta_AreWaldsBounds()
    {
        var (lower, upper) = SequentialErrorTest.Bounds(0.001, 0.05);
        Assert.Equal(Math.Log(0.05 / 0.999), lower, 9);
        Assert.Equal(Math.Log(0.95 / 0.001), upper, 9);
    }

    private long Next() => ++_seq;

    private static MetricWindow Totals(long requests, long failures) =>
        new() { Requests = requests, Failures = failures, Latency = LatencyCounts.Empty };
}
