using System.Globalization;
using System.Text;

namespace Canaria.Gateway.Metrics;

/// <summary>
/// Prometheus text exposition (format 0.0.4) of the golden signals: request counters and latency
/// histograms since start, plus the rolling-window view (success rate, RPS, percentiles) as gauges.
/// </summary>
internal static class PrometheusExporter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Every 4th latency bucket is a power of two in microseconds: 2^7 µs (0.128 ms) .. 2^25 µs (33.5 s).
    private const int FirstExportedBucket = 27;
    private static readonly TimeSpan[] Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)];

    public static string Render(GoldenSignals signals)
    {
        // The "(unrouted)" and "(no route)" pseudo-versions are only shown once something was counted there.
        var recorders = signals.Recorders
            .Where(r => !GoldenSignals.IsPseudoVersion(r.Version) || r.HasActivity)
            .ToList();
        var sb = new StringBuilder(4096);
        sb.Append("# HELP canaria_gateway_requests_total Requests answered, by service, version and status class.\n");
        sb.Append("# TYPE canaria_gateway_requests_total counter\n");
        foreach (var r in recorders)
        {
            for (var c = 1; c <= 5; c++)
            {
                Line(sb, "canaria_gateway_requests_total", r, $",code_class=\"{c}xx\"", r.TotalForClass(c));
            }
        }

        // Apart from requests_total, so sum(rate(requests_total)) stays the version's requests in success-rate queries.
        sb.Append("# HELP canaria_gateway_client_errors_total Requests the client broke (not in requests_total, never a version's failures), by reason.\n");
        sb.Append("# TYPE canaria_gateway_client_errors_total counter\n");
        foreach (var r in recorders)
        {
            foreach (var kind in ClientErrorKinds.All)
            {
                Line(sb, "canaria_gateway_client_errors_total", r, $",reason=\"{ClientErrorKinds.Label(kind)}\"", r.TotalClientErrors(kind));
            }
        }

        sb.Append("# HELP canaria_gateway_request_duration_seconds Time from request start to response end.\n");
        sb.Append("# TYPE canaria_gateway_request_duration_seconds histogram\n");
        Span<long> buckets = stackalloc long[LatencyBuckets.Count];
        foreach (var r in recorders)
        {
            r.CopyTotalBuckets(buckets);
            long cumulative = 0, count = 0;
            foreach (var b in buckets)
            {
                count += b;
            }

            for (var i = 0; i < LatencyBuckets.Count; i++)
            {
                cumulative += buckets[i];
                if (i >= FirstExportedBucket && (i - FirstExportedBucket) % 4 == 0 && i < LatencyBuckets.Count - 4)
                {
                    var le = (LatencyBuckets.UpperBoundMicros(i) / 1e6).ToString("R", CultureInfo.InvariantCulture);
                    Line(sb, "canaria_gateway_request_duration_seconds_bucket", r, $",le=\"{le}\"", cumulative);
                }
            }

            Line(sb, "canaria_gateway_request_duration_seconds_bucket", r, ",le=\"+Inf\"", count);
            Line(sb, "canaria_gateway_request_duration_seconds_sum", r, "", r.TotalMicros / 1e6);
            Line(sb, "canaria_gateway_request_duration_seconds_count", r, "", count);
        }

        WriteWindows(sb, signals, recorders);
        return sb.ToString();
    }

    private static void WriteWindows(StringBuilder sb, GoldenSignals signals, List<VersionRecorder> recorders)
    {
        var rows = new List<(VersionRecorder Recorder, string Window, VersionSignals Signals)>();
        foreach (var r in recorders)
        {
            foreach (var window in Windows)
            {
                rows.Add((r, window.TotalSeconds >= 60 ? "1m" : "10s", signals.Query(r.Service, r.Version, window)));
            }
        }

        sb.Append("# HELP canaria_gateway_requests_per_second Request rate over a rolling window.\n");
        sb.Append("# TYPE canaria_gateway_requests_per_second gauge\n");
        foreach (var (r, w, s) in rows)
        {
            Line(sb, "canaria_gateway_requests_per_second", r, $",window=\"{w}\"", s.Rps);
        }

        sb.Append("# HELP canaria_gateway_success_rate Share of non-5xx answers over a rolling window (absent without traffic).\n");
        sb.Append("# TYPE canaria_gateway_success_rate gauge\n");
        foreach (var (r, w, s) in rows)
        {
            if (s.SuccessRate is { } rate)
            {
                Line(sb, "canaria_gateway_success_rate", r, $",window=\"{w}\"", rate);
            }
        }

        sb.Append("# HELP canaria_gateway_latency_milliseconds Latency percentiles over a rolling window.\n");
        sb.Append("# TYPE canaria_gateway_latency_milliseconds gauge\n");
        foreach (var (r, w, s) in rows)
        {
            Quantile(sb, r, w, "0.5", s.P50Ms);
            Quantile(sb, r, w, "0.95", s.P95Ms);
            Quantile(sb, r, w, "0.99", s.P99Ms);
        }
    }

    private static void Quantile(StringBuilder sb, VersionRecorder r, string window, string quantile, double? value)
    {
        if (value is { } v)
        {
            Line(sb, "canaria_gateway_latency_milliseconds", r, $",window=\"{window}\",quantile=\"{quantile}\"", v);
        }
    }

    private static void Line(StringBuilder sb, string name, VersionRecorder r, string extraLabels, double value)
    {
        sb.Append(name).Append("{service=\"").Append(Escape(r.Service)).Append("\",version=\"").Append(Escape(r.Version)).Append('"')
          .Append(extraLabels).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
