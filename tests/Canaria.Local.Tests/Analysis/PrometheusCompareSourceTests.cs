using System.Text.Json.Nodes;
using Canaria.Analysis.Metrics;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Analysis;

/// <summary>
/// The Prometheus comparison's answers to broken and hostile Prometheus answers, from a fake Prometheus HTTP API (a
/// real one cannot be made to answer NaN counts, 1,001 series or a timeout on demand). Real Prometheus: the control-plane tests.
/// </summary>
public sealed class PrometheusCompareSourceTests
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    private static readonly CompareQueries Queries = new()
    {
        Requests = "sum(increase(req_total{v=\"{{version}}\"}[{{window}}]))",
        Errors = "sum(increase(req_total{v=\"{{version}}\",code=\"500\"}[{{window}}]))",
        LatencyBuckets = "sum by (le) (increase(lat_bucket{v=\"{{version}}\"}[{{window}}]))",
        LatencyUnit = LatencyUnit.Seconds,
    };

    private static string Vector(params (string? Le, string Value)[] samples) => new JsonObject
    {
        ["status"] = "success",
        ["data"] = new JsonObject
        {
            ["resultType"] = "vector",
            ["result"] = new JsonArray(samples.Select(s => (JsonNode)new JsonObject
            {
                ["metric"] = s.Le is null ? new JsonObject() : new JsonObject { ["le"] = s.Le },
                ["value"] = new JsonArray(1700000000, s.Value),
            }).ToArray()),
        },
    }.ToJsonString();

    /// <summary>A fake Prometheus answering each query by what it asks for: the side (canary "c", stable "s") and the metric.</summary>
    private static Task<TestHttpServer> FakePrometheusAsync(Func<string, string> answer, int delayMs = 0) => TestHttpServer.StartAsync(async ctx =>
    {
        if (delayMs > 0) await Task.Delay(delayMs, ctx.RequestAborted);
        var body = answer(ctx.Request.Query["query"].ToString());
        if (body.StartsWith("HTTP ", StringComparison.Ordinal)) ctx.Response.StatusCode = int.Parse(body[5..8], System.Globalization.CultureInfo.InvariantCulture);
        await ctx.Response.WriteAsync(body.StartsWith("HTTP ", StringComparison.Ordinal) ? body[9..] : body);
    });

    private static async Task<Measurement> MeasureAsync(TestHttpServer prometheus, CompareMethod method = CompareMethod.Sequential, TimeSpan? timeout = null)
    {
        var check = new CheckSpec { Name = "cmp", Provider = MetricProvider.Prometheus, Address = prometheus.Address.ToString(), Compare = new CompareSpec { Method = method }, Queries = Queries };
        var now = DateTimeOffset.UtcNow;
        var query = new CheckQuery("shop", "ns", "shop", "c", "s", now - TimeSpan.FromSeconds(30), now);
        var source = new PrometheusCompareSource(Client, timeout ?? TimeSpan.FromSeconds(5));
        return await source.MeasureAsync(check, new CompareTargets(Queries, "c", "s"), query, 20, 2, 0, CancellationToken.None);
    }

    private static bool Canary(string q) => q.Contains("v=\"c\"", StringComparison.Ordinal);

    private static bool ErrorsOf(string q) => q.Contains("code=\"500\"", StringComparison.Ordinal);

    [Fact]
    public async Task MeasureAsync_FakePrometheusCanaryFailsOneInFive_FailsWithCountsAndBounds()
    {
        await using var prometheus = await FakePrometheusAsync(q => ErrorsOf(q)
            ? (Canary(q) ? Vector((null, "40.4")) : Vector()) // stable: no 5xx series at all is 0 failures, not no data
            : Vector((null, Canary(q) ? "200.2" : "800")));

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Fail, m.Verdict);
        Assert.Contains("errors canary 40/200 (20%) vs stable 0/800 (0%)", m.Evidence);
        Assert.Contains("LLR", m.Evidence);
        Assert.Contains("30s since the step went live", m.Evidence);
        Assert.True(m.Value > SequentialErrorTest.Bounds(0.001, 0.05).Upper);
    }

    [Theory]
    [InlineData("NaN", "answered NaN, which is no count")]
    [InlineData("-3", "answered -3, which is no count")]
    [InlineData("+Inf", "answered +Inf, which is no count")]
    [InlineData("0", "no data: 0 requests of the canary in the window")]
    public async Task MeasureAsync_FakePrometheusCanaryCountIsNoCount_InconclusiveNamingTheQuery(string value, string reason)
    {
        await using var prometheus = await FakePrometheusAsync(q => ErrorsOf(q) ? Vector() : Vector((null, Canary(q) ? value : "800")));

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Inconclusive, m.Verdict);
        Assert.Contains(reason, m.Evidence);
        Assert.Null(m.Value);
    }

    [Fact]
    public async Task MeasureAsync_FakePrometheusNoSeriesForStable_InconclusiveNamingStablesQuery()
    {
        await using var prometheus = await FakePrometheusAsync(q => Canary(q) ? Vector((null, "100")) : Vector());

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Inconclusive, m.Verdict);
        Assert.Contains("no data: stable's requests query returned no series: sum(increase(req_total{v=\"s\"}[30s]))", m.Evidence);
    }

    [Theory]
    [InlineData("HTTP 400 {\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}", "HTTP 400 BadRequest: 1:5: parse error")]
    [InlineData("HTTP 200 <html>not prometheus</html>", "not a query result")]
    [InlineData("HTTP 200 {\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", "not one value per series")]
    [InlineData("HTTP 200 {\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000,null]}]}}", "not a query result: a sample's value is null")]
    public async Task MeasureAsync_FakePrometheusAnswersAnError_ErrorWithTheReasonNeverAVerdict(string answer, string reason)
    {
        await using var prometheus = await FakePrometheusAsync(_ => answer);

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Error, m.Verdict);
        Assert.Contains(reason, m.Evidence);
    }

    [Fact]
    public async Task MeasureAsync_FakePrometheusTooSlow_ErrorAfterTheTimeout()
    {
        await using var prometheus = await FakePrometheusAsync(_ => Vector((null, "1")), delayMs: 3000);

        var m = await MeasureAsync(prometheus, timeout: TimeSpan.FromMilliseconds(300));

        Assert.Equal(Verdict.Error, m.Verdict);
        Assert.Contains("no answer within 300 ms", m.Evidence);
    }

    [Fact]
    public async Task MeasureAsync_FakePrometheusAnswersHugeSeriesCount_ErrorNamingTheLimit()
    {
        var many = Enumerable.Range(0, PrometheusVector.MaxSeries + 1).Select(i => ((string?)null, "1")).ToArray();
        await using var prometheus = await FakePrometheusAsync(_ => Vector(many));

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Error, m.Verdict);
        Assert.Contains($"answered {PrometheusVector.MaxSeries + 1} series (at most {PrometheusVector.MaxSeries})", m.Evidence);
    }

    [Fact]
    public async Task MeasureAsync_FakePrometheusAnswersOverTheSizeBound_ErrorNamingTheBound()
    {
        var padding = new string(' ', MetricHttp.MaxBody); // valid JSON, one byte past the bound once the vector is added
        await using var prometheus = await FakePrometheusAsync(_ => Vector((null, "1")) + padding);

        var m = await MeasureAsync(prometheus);

        Assert.Equal(Verdict.Error, m.Verdict);
        Assert.Contains($"larger than {MetricHttp.MaxBody / (1024 * 1024)} MiB", m.Evidence);
    }

    [Fact]
    public async Task MeasureAsync_FakePrometheusSlowerCanaryHistogram_MannWhitneyFailsInMilliseconds()
    {
        // Seconds, cumulative; the stable side lacks the 0.25 bound (another exporter's buckets) and dips at +Inf (extrapolation).
        await using var prometheus = await FakePrometheusAsync(q => Canary(q)
            ? Vector(("0.05", "10"), ("0.1", "40"), ("0.25", "150"), ("+Inf", "200"))
            : Vector(("0.05", "150"), ("0.1", "190"), ("+Inf", "189.6")));

        var m = await MeasureAsync(prometheus, CompareMethod.MannWhitney);

        Assert.True(m.Verdict == Verdict.Fail, m.Evidence);
        Assert.Contains("n 200/190", m.Evidence);
        Assert.Contains("median canary", m.Evidence);
    }

    [Fact]
    public void Aligned_DifferentBoundsAndADip_SharedBoundsNonNegativeCounts()
    {
        var (canary, stable) = CompareSide.Aligned([(50, 10), (100, 40), (double.PositiveInfinity, 50)], [(50, 20), (250, 30), (double.PositiveInfinity, 29.6)]);

        Assert.Equal([50.0, 100, 250, 250], canary.UpperBoundsMs);
        Assert.Equal(canary.UpperBoundsMs, stable.UpperBoundsMs);
        Assert.Equal([10L, 30, 0, 10], canary.Counts);
        Assert.Equal([20L, 0, 10, 0], stable.Counts);
    }
}
