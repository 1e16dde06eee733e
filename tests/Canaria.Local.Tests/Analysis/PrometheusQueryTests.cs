using Canaria.Analysis.Metrics;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;

namespace Canaria.Local.Tests.Analysis;

/// <summary>What a real Prometheus answers to a query with a typo, and to one with several series, as evidence and verdicts.</summary>
public sealed class PrometheusQueryTests
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    /// <summary>Two series, 0.5 and 0.01, without any scraped data.</summary>
    private const string TwoSeries = "label_replace(vector(0.5), \"s\", \"a\", \"\", \"\") or label_replace(vector(0.01), \"s\", \"b\", \"\", \"\")";

    private static CheckQuery Query() => new("shop", null, "shop", "v2", "v1", DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow);

    private static async Task<(PrometheusProcess Prometheus, PrometheusMetricSource Source)> StartAsync()
    {
        var prometheus = PrometheusProcess.Start(new Uri("http://127.0.0.1:1"), "/metrics", "unused");
        var source = new PrometheusMetricSource(Client, TimeSpan.FromSeconds(5));
        await Poll.UntilAsync(
            () => prometheus.HasExited ? throw new InvalidOperationException("prometheus exited: " + prometheus.LastLog) : source.ReadAsync(Check(prometheus, "vector(1)"), Query(), CancellationToken.None).AsTask().Result,
            r => r.Value == 1,
            "Prometheus to answer queries",
            TimeSpan.FromSeconds(30));
        return (prometheus, source);
    }

    private static CheckSpec Check(PrometheusProcess prometheus, string query, double? min = null, double? max = 1) =>
        new() { Name = "p", Provider = MetricProvider.Prometheus, Address = prometheus.Address.ToString(), Query = query, Min = min, Max = max };

    [Fact]
    public async Task ReadAsync_QueryWithATypo_EvidenceHasPrometheusError()
    {
        var (prometheus, source) = await StartAsync();
        await using var _ = prometheus;
        var check = Check(prometheus, "sum(rate(x[{{window}}])");

        var (verdict, _, evidence) = ThresholdJudge.JudgeValue(check, await source.ReadAsync(check, Query(), CancellationToken.None));

        Assert.Equal(Verdict.Error, verdict);
        Assert.Contains("HTTP 400 BadRequest: ", evidence);
        Assert.Contains("parse error", evidence);
        Assert.True(evidence.Length < 200 + MetricHttp.MaxError, evidence);
    }

    [Theory]
    [InlineData(0.1, 1.0, "Fail", "< min 0.1")]  // the lowest series is below min, though the highest is within max
    [InlineData(0.0, 0.4, "Fail", "> max 0.4")]
    [InlineData(0.001, 0.6, "Pass", "2 values (0.01 to 0.5)")]
    public async Task ReadAsync_SeveralSeriesWithMinAndMax_EachBoundByItsOwnWorst(double min, double max, string verdict, string evidence)
    {
        var (prometheus, source) = await StartAsync();
        await using var _ = prometheus;
        var check = Check(prometheus, TwoSeries, min, max);

        var judged = ThresholdJudge.JudgeValue(check, await source.ReadAsync(check, Query(), CancellationToken.None));

        Assert.Equal(Enum.Parse<Verdict>(verdict), judged.Verdict);
        Assert.Contains(evidence, judged.Evidence);
    }
}
