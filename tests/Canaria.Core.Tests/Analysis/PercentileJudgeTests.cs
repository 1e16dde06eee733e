using Canaria.Core.Analysis;

namespace Canaria.Core.Tests.Analysis;

public class PercentileJudgeTests
{
    private static readonly double[] Bounds = [10, 20, 30, 40, 50];

    [Theory]
    // canary counts, stable counts, quantile, tolerance, verdict, evidence
    [InlineData(new long[] { 0, 100 }, new long[] { 0, 100 }, 0.99, 0.1, "Pass", "canary p99 19.9 ms vs stable 19.9 ms (limit 21.9 ms = +10%), n 100/100")]
    [InlineData(new long[] { 0, 0, 100 }, new long[] { 0, 100 }, 0.99, 0.1, "Fail", "canary latency is too high: canary p99 29.9 ms vs stable 19.9 ms")]
    [InlineData(new long[] { 0, 0, 100 }, new long[] { 0, 100 }, 0.99, 0.6, "Pass", "limit 31.8 ms = +60%")]
    [InlineData(new long[] { 0, 10 }, new long[] { 0, 100 }, 0.99, 0.1, "Inconclusive", "only 10 canary and 100 stable samples (need 20 each)")]
    [InlineData(new long[] { 50, 50 }, new long[] { 100 }, 0.5, 0.0, "Fail", "canary p50 10 ms vs stable 5 ms")]
    public void Judge_Table_GivesVerdictAndEvidence(long[] canary, long[] stable, double q, double tolerance, string verdict, string evidence)
    {
        var (v, _, text) = PercentileJudge.Judge(new LatencyCounts(Bounds, canary), new LatencyCounts(Bounds, stable), q, tolerance, 20);

        Assert.Equal(Enum.Parse<Verdict>(verdict), v);
        Assert.Contains(evidence, text);
    }

    [Fact]
    public void LatencyCounts_Minus_SubtractsAnEarlierSnapshot()
    {
        var later = new LatencyCounts(Bounds, [5, 7, 9]);
        var earlier = new LatencyCounts(Bounds, [2, 7]);

        var d = later.Minus(earlier);

        Assert.Equal([3L, 0L, 9L, 0L, 0L], d.Counts);
        Assert.Equal(12, d.Total);
    }
}
