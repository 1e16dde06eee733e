using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Canaria.Tests.Support;

/// <summary>A real Prometheus (Debian package <c>prometheus</c>) scraping one target (every second unless told). Fails loudly when the binary is missing.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;
    private readonly ConcurrentQueue<string> _log = new();

    private PrometheusProcess(Process process, DirectoryInfo dir, Uri address)
    {
        _process = process;
        _dir = dir;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    public string LastLog => string.Join("\n", _log.TakeLast(5));

    public static PrometheusProcess Start(Uri target, string metricsPath, string bearerToken, string scrapeInterval = "1s")
    {
        var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists);
        Assert.True(binary is not null, "the prometheus binary is missing: apt-get install prometheus (listed in .ci/apt-packages.txt)");

        var dir = Directory.CreateTempSubdirectory("canaria-prom-");
        var config = Path.Combine(dir.FullName, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: {scrapeInterval}
            scrape_configs:
              - job_name: canaria-gateway
                metrics_path: {metricsPath}
                authorization:
                  type: Bearer
                  credentials: {bearerToken}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(binary!)
        {
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(dir.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var prometheus = new PrometheusProcess(process, dir, new Uri($"http://127.0.0.1:{port}"));
        process.ErrorDataReceived += (_, e) => prometheus._log.Enqueue(e.Data ?? "");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return prometheus;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _dir.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
