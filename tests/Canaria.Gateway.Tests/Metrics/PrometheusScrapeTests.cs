using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Metrics;

/// <summary>A real Prometheus (Debian package <c>prometheus</c>) scrapes /metrics with a bearer token. Fails if the binary is missing.</summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_ScrapesMetricsWithToken_SeesPerVersionCounters()
    {
        var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists);
        Assert.True(binary is not null, "the prometheus binary is missing: apt-get install prometheus (listed in .ci/apt-packages.txt)");

        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v2.Address, 1));
        await gw.SendManyAsync(40, concurrency: 2);

        var dir = Directory.CreateTempSubdirectory("canaria-prom-");
        var admin = gw.Host.AdminAddress!;
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: canaria-gateway
                metrics_path: /metrics
                authorization:
                  type: Bearer
                  credentials: {GatewayTestHost.Token}
                static_configs:
                  - targets: ["{admin.Authority}"]
            """);
        var port = Ports.Closed();
        using var prometheus = Process.Start(new ProcessStartInfo(binary!)
        {
            ArgumentList =
            {
                $"--config.file={Path.Combine(dir.FullName, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(dir.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        prometheus.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var query = Uri.EscapeDataString("sum by (version) (canaria_gateway_requests_total{service=\"shop\",code_class=\"2xx\"})");
            double total = 0;
            var lastAnswer = "";
            await Wait.UntilAsync(
                async () =>
                {
                    Assert.False(prometheus.HasExited, "prometheus exited early: " + string.Join("\n", log.TakeLast(5)));
                    try
                    {
                        lastAnswer = await http.GetStringAsync($"/api/v1/query?query={query}");
                        using var doc = JsonDocument.Parse(lastAnswer);
                        var rows = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
                        total = rows.Sum(r => double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
                        return rows.Count == 2;
                    }
                    catch (HttpRequestException e)
                    {
                        lastAnswer = e.Message;
                        return false;
                    }
                },
                TimeSpan.FromSeconds(45),
                () => "Prometheus to scrape the gateway (last answer: " + lastAnswer + ")");

            Assert.Equal(40, total);
            using var health = JsonDocument.Parse(await http.GetStringAsync("/api/v1/targets"));
            var target = health.RootElement.GetProperty("data").GetProperty("activeTargets")[0];
            Assert.Equal("up", target.GetProperty("health").GetString());
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }
}
