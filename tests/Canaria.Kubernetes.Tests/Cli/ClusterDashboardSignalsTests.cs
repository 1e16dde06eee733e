using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.Playwright;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// The cluster dashboard's golden-signal charts: a real Prometheus scraping a fake Istio data plane (an exporter serving
/// istio_requests_total, see <see cref="FakeDataPlaneExporter"/>), a Rollout on the real control plane, a real browser.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterDashboardSignalsTests(ControlPlaneFixture cluster)
{
    private static readonly JsonObject IstioHosts = new() { ["istio"] = new JsonObject { ["virtualService"] = new JsonObject { ["name"] = "myapp" } } };

    [Fact]
    public async Task Dashboard_PrometheusScrapingAFakeIstioExporter_ChartsGainPointsPerVersion()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "dash-prom", (JsonObject)IstioHosts.DeepClone());
        Dictionary<string, string> Labels(string service) => new()
        {
            ["reporter"] = "source", ["destination_service_namespace"] = ns, ["destination_service_name"] = service, ["destination_workload"] = "myapp",
        };
        await using var exporter = await FakeDataPlaneExporter.StartAsync("istio_requests_total", "istio_request_duration_milliseconds_bucket", ("response_code", "200", "503"),
        [
            new FakeVersion(Labels("myapp"), 99, 1, StatTestBed.StableLatency),        // 99% success at 100 rps
            new FakeVersion(Labels("myapp-canary"), 9, 1, StatTestBed.CanaryLatency),  // 90% success at 10 rps
        ]);
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await StatTestBed.WaitForFullWindowAsync(prometheus, "istio_requests_total{destination_service_name=\"myapp-canary\",response_code=\"503\"}");
        using var dashboard = await ClusterDashboardProcess.StartAsync(cluster.KubeconfigPath, ns, "--prometheus", prometheus.Address.ToString(), "--prometheus-window", "10s");
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await ClusterDashboardTests.LogInAsync(browser, dashboard);
        await page.GotoAsync(dashboard.Root + "#/rollouts/myapp");

        await Assertions.Expect(page.Locator("[data-testid=signals-note]")).ToContainTextAsync("istio metrics from Prometheus", new() { Timeout = 30_000 });
        var first = await WaitForPointsAsync(page, "rps", 0);
        var later = await WaitForPointsAsync(page, "rps", first); // a later read adds points without a reload
        Assert.True(later > first);
        var rps = page.Locator("svg[data-chart='rps']");
        await Assertions.Expect(rps.Locator("[data-series='myapp']")).ToHaveCountAsync(1);
        await Assertions.Expect(rps.Locator("[data-series='myapp-canary']")).ToHaveCountAsync(1);
        Assert.True(await WaitForPointsAsync(page, "success", 0) > 0);
        Assert.True(await WaitForPointsAsync(page, "latency", 0) > 0);
        await DashboardBrowser.ScreenshotAsync(page, "cluster-dashboard-signals.png");
    }

    [Fact]
    public async Task Dashboard_PrometheusUnreachable_ChartsSaySoAndThePageStillWorks()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "dash-noprom", (JsonObject)IstioHosts.DeepClone());
        using var dashboard = await ClusterDashboardProcess.StartAsync(cluster.KubeconfigPath, ns, "--prometheus", "http://127.0.0.1:1");
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await ClusterDashboardTests.LogInAsync(browser, dashboard);
        await page.GotoAsync(dashboard.Root + "#/rollouts/myapp");

        var note = page.Locator("[data-testid=signals-note].error");
        await Assertions.Expect(note).ToContainTextAsync("cannot reach Prometheus at http://127.0.0.1:1/", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("myapp");
        await Assertions.Expect(page.Locator("ol.pipeline li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>Waits until a chart draws more than <paramref name="moreThan"/> points (reads every 5 s: allow a few).</summary>
    private static async Task<int> WaitForPointsAsync(IPage page, string chart, int moreThan)
    {
        var points = 0;
        await Eventually.WaitAsync(async () =>
        {
            var svg = page.Locator($"svg[data-chart='{chart}']");
            points = await svg.CountAsync() == 0 ? 0 : int.Parse(await svg.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
            return points > moreThan;
        }, TimeSpan.FromSeconds(45), $"chart '{chart}' to draw more than {moreThan} points");
        return points;
    }
}
