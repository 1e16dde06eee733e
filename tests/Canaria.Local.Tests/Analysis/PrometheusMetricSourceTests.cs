using Canaria.Analysis.Metrics;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Analysis;

/// <summary>The Prometheus source against a real Prometheus scraping a real gateway's /metrics.</summary>
public sealed class PrometheusMetricSourceTests
{
    private const string Token = "scrape-token";
    private const string ErrorRatio =
        "sum(canaria_gateway_requests_total{service=\"{{service}}\",version=\"{{version}}\",code_class=\"5xx\"}) / sum(canaria_gateway_requests_total{service=\"{{service}}\",version=\"{{version}}\"})";

    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    [Fact]
    public async Task ReadAsync_RealPrometheus_InstantRangeNoDataNaNAndErrors()
    {
        var calls = 0;
        await using var v1 = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("v1"));
        await using var v2 = await TestHttpServer.StartAsync(ctx =>
        {
            if (Interlocked.Increment(ref calls) % 4 == 0) ctx.Response.StatusCode = 500; // 25% errors
            return Task.CompletedTask;
        });
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services =
            [
                new ServiceConfig
                {
                    Name = "shop",
                    Versions =
                    [
                        new VersionConfig { Name = "v1", Weight = 50, Endpoints = [v1.Address.Authority] },
                        new VersionConfig { Name = "v2", Weight = 50, Endpoints = [v2.Address.Authority] },
                    ],
                },
            ],
        };
        await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions { InitialConfig = config, AdminToken = Token }, CancellationToken.None);
        var front = gateway.ListenerAddresses["main"];
        for (var i = 0; i < 200; i++) (await Http.Client.GetAsync(front)).Dispose();
        await using var prometheus = PrometheusProcess.Start(gateway.AdminAddress!, "/metrics", Token);
        var source = new PrometheusMetricSource(Client, TimeSpan.FromSeconds(5));
        var now = DateTimeOffset.UtcNow;
        CheckQuery Query(string version) => new("shop", null, "shop", version, "v1", now - TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow);
        CheckSpec Check(string query, double max = 0.1) => new() { Name = "errors", Provider = MetricProvider.Prometheus, Address = prometheus.Address.ToString(), Query = query, Max = max };

        var seen = await Poll.UntilAsync(
            () => prometheus.HasExited ? throw new InvalidOperationException("prometheus exited: " + prometheus.LastLog) : source.ReadAsync(Check("sum(canaria_gateway_requests_total{service=\"shop\"})"), Query("v2"), CancellationToken.None).AsTask().Result,
            r => r.Value >= 200,
            "Prometheus to scrape 200 requests from the gateway",
            TimeSpan.FromSeconds(45));
        Assert.Equal(200, seen.Value);

        var canary = await source.ReadAsync(Check(ErrorRatio), Query("v2"), CancellationToken.None);
        Assert.NotNull(canary.Value);
        Assert.InRange(canary.Value.Value, 0.2, 0.3);
        var (verdict, _, evidence) = ThresholdJudge.JudgeValue(Check(ErrorRatio), canary);
        Assert.Equal(Verdict.Fail, verdict);
        Assert.Contains("> max 0.1", evidence);
        Assert.Equal(Verdict.Pass, ThresholdJudge.JudgeValue(Check(ErrorRatio), await source.ReadAsync(Check(ErrorRatio), Query("v1"), CancellationToken.None)).Verdict);

        // The newest range point can land between two scrapes on a busy machine; the next scrape fills it.
        var range = await Poll.UntilAsync(
            () => source.ReadAsync(Check(ErrorRatio) with { RangeQuery = true }, Query("v2"), CancellationToken.None).AsTask().Result,
            r => r.Value is not null,
            "a range query with a value",
            TimeSpan.FromSeconds(15));
        Assert.True(range.Value is not null, $"range query: {range.Detail}");
        Assert.InRange(range.Value!.Value, 0.2, 0.3);

        var nothing = ThresholdJudge.JudgeValue(Check(ErrorRatio), await source.ReadAsync(Check(ErrorRatio), Query("v9"), CancellationToken.None));
        Assert.Equal((Verdict.Inconclusive, true), (nothing.Verdict, nothing.Evidence.Contains("no series", StringComparison.Ordinal)));
        var nan = ThresholdJudge.JudgeValue(Check("vector(0) / vector(0)"), await source.ReadAsync(Check("vector(0) / vector(0)"), Query("v2"), CancellationToken.None));
        Assert.Equal((Verdict.Inconclusive, true), (nan.Verdict, nan.Evidence.Contains("NaN", StringComparison.Ordinal)));
        var bad = await source.ReadAsync(Check("sum(("), Query("v2"), CancellationToken.None);
        Assert.Equal(Verdict.Error, ThresholdJudge.JudgeValue(Check("sum(("), bad).Verdict);
        var down = await source.ReadAsync(Check("up") with { Address = "http://127.0.0.1:1" }, Query("v2"), CancellationToken.None);
        Assert.Contains("request failed", down.Error);
    }
}
