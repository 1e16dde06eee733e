using Canaria.Core.Analysis;

namespace Canaria.Core.Tests.Analysis;

public class SequentialErrorTestTests
{
    [Theory]
    // canary n, x, stable n, x, verdict, LLR (alpha 0.01, beta 0.05, +2pp; bounds -2.99, 4.55)
    [InlineData(5L, 5L, 45L, 0L, "Inconclusive", 3.31)] // all failing but not yet beyond the bound: small sample, no pass
    [InlineData(10L, 10L, 90L, 1L, "Fail", 6.52)] // 100% errors: stopped after 10 requests
    [InlineData(300L, 15L, 2700L, 27L, "Fail", 10.31)] // 5% vs 1%
    [InlineData(100L, 6L, 900L, 9L, "Pending", 4.27)] // suspicious, not yet proven
    [InlineData(400L, 4L, 3600L, 36L, "Pass", -3.76)] // same rate as stable: accepted
    [InlineData(200L, 2L, 1800L, 18L, "Pending", -1.92)]
    [InlineData(19L, 0L, 200L, 2L, "Inconclusive", -0.39)] // below minRequests 20: never a pass
    [InlineData(0L, 0L, 0L, 0L, "Inconclusive", 0.0)]
    public void Evaluate_Table_GivesVerdictAndLogLikelihoodRatio(long n, long x, long ns, long xs, string verdict, double llr)
    {
        var r = SequentialErrorTest.Evaluate(n, x, ns, xs, alpha: 0.01, beta: 0.05, minEffect: 0.02, minRequests: 20);

        Assert.Equal(Enum.Parse<Verdict>(verdict), r.Verdict);
        Assert.Equal(llr, r.LogLikelihoodRatio, 2);
        Assert.Equal(-2.99, r.Lower, 2);
        Assert.Equal(4.55, r.Upper, 2);
    }

    [Fact]
    public void Evaluate_Fail_EvidenceNamesCountsRatesAndBounds()
    {
        var r = SequentialErrorTest.Evaluate(300, 15, 2700, 27, 0.01, 0.05, 0.02, 20);

        Assert.Equal("canary error rate is higher than stable's: errors canary 15/300 (5%) vs stable 27/2700 (1%); SPRT H1 +2pp: LLR 10.31 in (-2.99, 4.55)", r.Evidence);
    }

    [Fact]
    public void Evaluate_StableWithoutFailuresYet_OneCanaryFailureIsNotEnough()
    {
        var r = SequentialErrorTest.Evaluate(50, 1, 450, 0, 0.01, 0.05, 0.02, 20);

        Assert.NotEqual(Verdict.Fail, r.Verdict);
        Assert.Equal(1 / 452.0, r.BaselineRate, 6);
    }

    [Theory]
    [InlineData(0.01, 0.05, 4.55, -2.99)]
    [InlineData(0.001, 0.1, 6.80, -2.30)]
    public void Evaluate_Bounds_FollowWald(double alpha, double beta, double upper, double lower)
    {
        var r = SequentialErrorTest.Evaluate(100, 1, 900, 9, alpha, beta, 0.02, 20);

        Assert.Equal(upper, r.Upper, 2);
        Assert.Equal(lower, r.Lower, 2);
    }
}
