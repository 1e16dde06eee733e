using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// A fake data plane: serves a mesh's or ingress controller's metric names as Prometheus text, with counters that grow
/// linearly with time (value = rate × seconds since start), so Prometheus's rate() over a filled window is the served rate.
/// </summary>
internal sealed class FakeDataPlaneExporter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private FakeDataPlaneExporter(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <param name="requests">The request counter, e.g. istio_requests_total.</param>
    /// <param name="buckets">The latency histogram's bucket series, e.g. istio_request_duration_milliseconds_bucket.</param>
    /// <param name="status">The label and values of a success and an error, e.g. ("response_code", "200", "503").</param>
    public static async Task<FakeDataPlaneExporter> StartAsync(string requests, string buckets, (string Label, string Ok, string Error) status, IReadOnlyList<FakeVersion> versions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var exporter = new FakeDataPlaneExporter(app);
        app.MapGet("/metrics", (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4";
            return ctx.Response.WriteAsync(exporter.Render(requests, buckets, status, versions));
        });
        await app.StartAsync();
        exporter.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return exporter;
    }

    private string Render(string requests, string buckets, (string Label, string Ok, string Error) status, IReadOnlyList<FakeVersion> versions)
    {
        var t = _clock.Elapsed.TotalSeconds;
        var sb = new StringBuilder();
        sb.Append("# TYPE ").Append(requests).Append(" counter\n");
        foreach (var v in versions)
        {
            Line(sb, requests, v.Labels, (status.Label, status.Ok), v.OkPerSecond * t);
            Line(sb, requests, v.Labels, (status.Label, status.Error), v.ErrorsPerSecond * t);
        }
        var histogram = buckets[..^"_bucket".Length];
        sb.Append("# TYPE ").Append(histogram).Append(" histogram\n");
        foreach (var v in versions)
        {
            var total = (v.OkPerSecond + v.ErrorsPerSecond) * t;
            foreach (var (le, share) in v.Latency) Line(sb, buckets, v.Labels, ("le", le.ToString(CultureInfo.InvariantCulture)), share * total);
            Line(sb, buckets, v.Labels, ("le", "+Inf"), total);
            Line(sb, histogram + "_count", v.Labels, null, total);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string name, IReadOnlyDictionary<string, string> labels, (string Key, string Value)? extra, double value)
    {
        var all = labels.Select(l => $"{l.Key}=\"{l.Value}\"").ToList();
        if (extra is { } e) all.Add($"{e.Key}=\"{e.Value}\"");
        sb.Append(name).Append('{').Append(string.Join(",", all)).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
