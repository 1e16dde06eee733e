using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// A Prometheus exporter whose one gauge the test sets: canaria_test_error_ratio{namespace, version}. A pair never
/// set has no series, so a query for it returns no data. Each pair set also has a counter,
/// canaria_test_requests_total{namespace, version}, that grows by 10 at every scrape: something to take a rate() of.
/// </summary>
internal sealed class TestExporter : IAsyncDisposable
{
    public const string Metric = "canaria_test_error_ratio";
    public const string Counter = "canaria_test_requests_total";
    private long _scrapes;
    private readonly ConcurrentDictionary<(string Namespace, string Version), double> _values = new();
    private TestHttpServer _server = null!;

    public Uri Address => _server.Address;

    public static async Task<TestExporter> StartAsync()
    {
        var exporter = new TestExporter();
        exporter._server = await TestHttpServer.StartAsync(exporter.ServeAsync);
        return exporter;
    }

    public void Set(string ns, string version, double value) => _values[(ns, version)] = value;

    private Task ServeAsync(HttpContext context)
    {
        var text = new StringBuilder($"# TYPE {Metric} gauge\n");
        foreach (var ((ns, version), value) in _values)
            text.Append(CultureInfo.InvariantCulture, $"{Metric}{{namespace=\"{ns}\",version=\"{version}\"}} {value}\n");
        var count = 10 * Interlocked.Increment(ref _scrapes);
        text.Append($"# TYPE {Counter} counter\n");
        foreach (var (ns, version) in _values.Keys)
            text.Append(CultureInfo.InvariantCulture, $"{Counter}{{namespace=\"{ns}\",version=\"{version}\"}} {count}\n");
        context.Response.ContentType = "text/plain; version=0.0.4";
        return context.Response.WriteAsync(text.ToString());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
