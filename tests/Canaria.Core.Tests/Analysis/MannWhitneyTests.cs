using Canaria.Core.Analysis;

namespace Canaria.Core.Tests.Analysis;

public class MannWhitneyTests
{
    private static readonly double[] Bounds = [1, 2, 4, 8, 16, 32];

    private static LatencyCounts Counts(params long[] counts) => new(Bounds, counts);

    [Theory]
    // canary counts, stable counts, U, z, p (one-sided: canary slower), effect; textbook first row (3 vs 3, no ties)
    [InlineData(new long[] { 0, 0, 0, 1, 1, 1 }, new long[] { 1, 1, 1, 0, 0, 0 }, 9.0, 1.746, 0.0404, 1.0)]
    [InlineData(new long[] { 2, 3, 5, 0 }, new long[] { 5, 3, 2, 0 }, 69.5, 1.523, 0.0639, 0.695)] // ties within buckets
    [InlineData(new long[] { 0, 2, 3, 5 }, new long[] { 5, 3, 2, 0 }, 90.0, 3.080, 0.0010, 0.9)]
    [InlineData(new long[] { 10, 20, 30 }, new long[] { 10, 20, 30 }, 1800.0, -0.003, 0.5011, 0.5)]
    public void Test_Table_UzPAndEffectWithTieCorrection(long[] canary, long[] stable, double u, double z, double p, double effect)
    {
        var r = MannWhitney.Test(Counts(canary), Counts(stable), alpha: 0.05, minEffect: 0.1, minRequests: 3);

        Assert.Equal(u, r.U, 3);
        Assert.Equal(z, r.Z, 3);
        Assert.Equal(p, r.PValue, 4);
        Assert.Equal(effect, r.Effect, 3);
    }

    [Theory]
    [InlineData(new long[] { 5, 10, 10, 25 }, new long[] { 20, 10, 10, 10 }, 0.1, "Fail")] // p 0.0001, effect 0.71
    [InlineData(new long[] { 5, 10, 10, 25 }, new long[] { 20, 10, 10, 10 }, 0.25, "Pass")] // significant but below the minimum effect
    [InlineData(new long[] { 10, 20, 30 }, new long[] { 10, 20, 30 }, 0.1, "Pass")]
    [InlineData(new long[] { 25, 10, 10, 5 }, new long[] { 10, 10, 10, 20 }, 0.1, "Pass")] // canary faster
    [InlineData(new long[] { 1, 1 }, new long[] { 100, 100 }, 0.1, "Inconclusive")] // 2 < minRequests 20
    public void Test_Verdict_NeedsSignificanceAndEffect(long[] canary, long[] stable, double minEffect, string verdict)
    {
        var r = MannWhitney.Test(Counts(canary), Counts(stable), alpha: 0.01, minEffect, minRequests: 20);

        Assert.Equal(Enum.Parse<Verdict>(verdict), r.Verdict);
        Assert.Contains(verdict == "Inconclusive" ? "need 20" : "Mann-Whitney", r.Evidence);
    }

    [Fact]
    public void Test_AllInOneBucket_PassesWithoutDividingByZero()
    {
        var r = MannWhitney.Test(Counts(0, 50), Counts(0, 500), 0.01, 0.1, 20);

        Assert.Equal(Verdict.Pass, r.Verdict);
        Assert.Equal(1.0, r.PValue);
    }
}
