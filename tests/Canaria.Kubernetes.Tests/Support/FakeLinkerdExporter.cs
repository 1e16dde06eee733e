using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// A fake of what a Linkerd proxy exports (there is no mesh here): response_total and response_latency_ms_bucket with
/// Linkerd's labels (direction, dst_namespace, dst_pod_template_hash, classification) for the backends the test set.
/// Every scrape serves each backend's requests per scrape more, failed at its error ratio, so the counters advance
/// only when Prometheus scrapes, as a real proxy's counters advance between scrapes.
/// </summary>
internal sealed class FakeLinkerdExporter : IAsyncDisposable
{
    /// <summary>Cumulative share of requests at or under each le (ms), then +Inf.</summary>
    private static readonly (string Le, double Share)[] Latency = [("10", 0.5), ("25", 0.9), ("50", 0.99), ("100", 1.0), ("+Inf", 1.0)];
    private readonly ConcurrentDictionary<(string Namespace, string Hash), Backend> _backends = new();
    private readonly Lock _lock = new();
    private TestHttpServer _server = null!;

    public Uri Address => _server.Address;

    public static async Task<FakeLinkerdExporter> StartAsync()
    {
        var exporter = new FakeLinkerdExporter();
        exporter._server = await TestHttpServer.StartAsync(exporter.ServeAsync);
        return exporter;
    }

    /// <summary>Serves this backend from the next scrape on: perScrape more requests at each scrape, errorRatio of them failed.</summary>
    public void Set(string ns, string podTemplateHash, int perScrape, double errorRatio) =>
        _backends.AddOrUpdate((ns, podTemplateHash), _ => new Backend(perScrape, errorRatio), (_, b) => b with { PerScrape = perScrape, ErrorRatio = errorRatio });

    private Task ServeAsync(HttpContext context)
    {
        var text = new StringBuilder("# TYPE response_total counter\n");
        var buckets = new StringBuilder("# TYPE response_latency_ms histogram\n");
        lock (_lock)
        {
            foreach (var ((ns, hash), b) in _backends)
            {
                var total = b.Total + b.PerScrape;
                var failed = b.Failed + (long)Math.Round(b.PerScrape * b.ErrorRatio);
                _backends[(ns, hash)] = b with { Total = total, Failed = failed };
                var labels = $"direction=\"outbound\",dst_namespace=\"{ns}\",dst_pod_template_hash=\"{hash}\"";
                text.Append(CultureInfo.InvariantCulture, $"response_total{{{labels},classification=\"success\"}} {total - failed}\n");
                text.Append(CultureInfo.InvariantCulture, $"response_total{{{labels},classification=\"failure\"}} {failed}\n");
                foreach (var (le, share) in Latency)
                    buckets.Append(CultureInfo.InvariantCulture, $"response_latency_ms_bucket{{{labels},le=\"{le}\"}} {Math.Round(total * share)}\n");
            }
        }
        context.Response.ContentType = "text/plain; version=0.0.4";
        return context.Response.WriteAsync(text.Append(buckets).ToString());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private sealed record Backend(int PerScrape, double ErrorRatio)
    {
        public long Total { get; init; }
        public long Failed { get; init; }
    }
}
