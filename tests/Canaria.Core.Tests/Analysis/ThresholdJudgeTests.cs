using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Analysis;

public class ThresholdJudgeTests
{
    private static MetricWindow Window(long requests, long failures = 0, double rps = 10, double? p99 = 100) =>
        new() { Requests = requests, Failures = failures, Rps = rps, P50 = p99 / 4, P95 = p99 / 2, P99 = p99 };

    [Theory]
    // metric, min, max, requests, failures, p99, rps, expected verdict, evidence fragment
    [InlineData("SuccessRate", 0.99, null, 1000L, 5L, 100.0, 10.0, "Pass", "successRate 99.5% over 1000 requests")]
    [InlineData("SuccessRate", 0.99, null, 1000L, 10L, 100.0, 10.0, "Pass", "successRate 99%")]
    [InlineData("SuccessRate", 0.99, null, 1000L, 11L, 100.0, 10.0, "Fail", "successRate 98.9% < min 99% over 1000 requests")]
    [InlineData("ErrorRate", null, 0.05, 100L, 5L, 100.0, 10.0, "Pass", "errorRate 5%")]
    [InlineData("ErrorRate", null, 0.05, 100L, 6L, 100.0, 10.0, "Fail", "errorRate 6% > max 5%")]
    [InlineData("LatencyP99", null, 500.0, 100L, 0L, 499.0, 10.0, "Pass", "latencyP99 499 ms")]
    [InlineData("LatencyP99", null, 500.0, 100L, 0L, 501.0, 10.0, "Fail", "latencyP99 501 ms > max 500 ms")]
    [InlineData("LatencyP95", null, 100.0, 100L, 0L, 300.0, 10.0, "Fail", "latencyP95 150 ms > max 100 ms")]
    [InlineData("LatencyP50", 10.0, null, 100L, 0L, 20.0, 10.0, "Fail", "latencyP50 5 ms < min 10 ms")]
    [InlineData("RequestRate", 5.0, null, 100L, 0L, 100.0, 4.5, "Fail", "requestRate 4.5 rps < min 5 rps")]
    [InlineData("RequestRate", 5.0, 50.0, 100L, 0L, 100.0, 5.0, "Pass", "requestRate 5 rps")]
    [InlineData("SuccessRate", 0.99, null, 19L, 0L, 100.0, 10.0, "Inconclusive", "only 19 requests in the window (need 20)")]
    [InlineData("SuccessRate", 0.99, null, 0L, 0L, 100.0, 10.0, "Inconclusive", "only 0 requests")]
    [InlineData("ErrorRate", null, 0.01, 19L, 19L, 100.0, 10.0, "Inconclusive", "need 20")]
    [InlineData("SuccessRate", 0.99, null, 20L, 0L, 100.0, 10.0, "Pass", "over 20 requests")]
    [InlineData("LatencyP99", null, 500.0, 100L, 0L, double.NaN, 10.0, "Inconclusive", "no value (NaN)")]
    [InlineData("LatencyP99", null, 500.0, 100L, 0L, null, 10.0, "Inconclusive", "no value (NaN)")]
    [InlineData("RequestRate", 1.0, null, 100L, 0L, 100.0, double.NaN, "Inconclusive", "no value (NaN)")]
    public void Judge_Table_GivesVerdictAndEvidence(string metric, double? min, double? max, long requests, long failures, double? p99, double rps, string verdict, string evidence)
    {
        var check = new CheckSpec { Name = "c", Metric = Enum.Parse<MetricKind>(metric), Min = min, Max = max };

        var (v, value, text) = ThresholdJudge.Judge(check, Window(requests, failures, rps, p99), minRequests: 20);

        Assert.Equal(Enum.Parse<Verdict>(verdict), v);
        Assert.Contains(evidence, text);
        if (v == Verdict.Inconclusive) Assert.Null(value);
        else Assert.NotNull(value);
    }

    [Theory]
    [InlineData("SuccessRate")]
    [InlineData("ErrorRate")]
    [InlineData("LatencyP99")]
    [InlineData("RequestRate")]
    public void Judge_NoWindow_IsInconclusiveNeverPass(string metric)
    {
        var check = new CheckSpec { Name = "c", Metric = Enum.Parse<MetricKind>(metric), Min = 0 };

        var (verdict, value, evidence) = ThresholdJudge.Judge(check, null, minRequests: 1);

        Assert.Equal(Verdict.Inconclusive, verdict);
        Assert.Null(value);
        Assert.EndsWith("no data from the metric source", evidence);
    }

    [Fact]
    public void Judge_MinRequestsOne_EmptyWindowStillInconclusive()
    {
        var check = new CheckSpec { Name = "c", Metric = MetricKind.ErrorRate, Max = 0.5 };

        var (verdict, _, _) = ThresholdJudge.Judge(check, new MetricWindow(), minRequests: 1);

        Assert.Equal(Verdict.Inconclusive, verdict);
    }

    [Fact]
    public void SuccessRate_NoRequests_IsNaN()
    {
        Assert.True(double.IsNaN(new MetricWindow().SuccessRate));
        Assert.Equal(0.75, new MetricWindow { Requests = 4, Failures = 1 }.SuccessRate);
    }

    [Theory]
    // several numbers 0.01..0.5 from one source; each bound is judged by its own worst number
    [InlineData(0.1, 1.0, "Fail", 0.01, "value 0.01 < min 0.1")]
    [InlineData(0.0, 0.4, "Fail", 0.5, "value 0.5 > max 0.4")]
    [InlineData(0.001, 0.6, "Pass", 0.5, "value 0.5")]
    [InlineData(0.001, null, "Pass", 0.01, "value 0.01")]
    public void JudgeValue_SeveralNumbersMinAndMax_EachBoundByItsOwnWorst(double min, double? max, string verdict, double value, string evidence)
    {
        var check = new CheckSpec { Name = "p", Provider = MetricProvider.Prometheus, Min = min, Max = max };

        var (v, shown, text) = ThresholdJudge.JudgeValue(check, new MetricReading(0.5, null, "2 values") { Lowest = 0.01 });

        Assert.Equal((Enum.Parse<Verdict>(verdict), value), (v, shown));
        Assert.Contains(evidence, text);
    }
}
