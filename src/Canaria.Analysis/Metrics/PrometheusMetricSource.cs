using System.Globalization;
using System.Text.Json;
using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Analysis.Metrics;

/// <summary>
/// Reads one number from Prometheus' HTTP API: an instant query at the window's end, or a range query over the
/// window. Several series or points count by their worst value for each bound: the highest for max, the lowest for min.
/// An empty result is "no data" and NaN is no value: both inconclusive, never a pass.
/// </summary>
internal sealed class PrometheusMetricSource(HttpClient http, TimeSpan timeout) : IValueSource
{
    public async ValueTask<MetricReading> ReadAsync(CheckSpec check, CheckQuery query, CancellationToken cancellationToken)
    {
        var promql = QueryTemplate.Render(check.Query ?? "", query);
        var address = check.Address!.TrimEnd('/');
        var endMs = query.To.ToUnixTimeMilliseconds();
        // Range: at most 30 points, aligned on the window's end so the newest data is always evaluated.
        var stepMs = Math.Max(1000, (long)Math.Ceiling((query.To - query.From).TotalMilliseconds / 30));
        var startMs = endMs - (stepMs * Math.Max(0, (long)((query.To - query.From).TotalMilliseconds / stepMs)));
        var url = check.RangeQuery
            ? $"{address}/api/v1/query_range?query={Uri.EscapeDataString(promql)}&start={Num(startMs / 1000.0)}&end={Num(endMs / 1000.0)}&step={Num(stepMs / 1000.0)}"
            : $"{address}/api/v1/query?query={Uri.EscapeDataString(promql)}&time={Num(endMs / 1000.0)}";
        var (auth, authError) = SourceAuth.Header(check.Auth);
        if (authError is not null) return MetricReading.Failed(authError);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        var (body, error) = await MetricHttp.SendAsync(http, request, timeout, cancellationToken).ConfigureAwait(false);
        if (error is not null) return MetricReading.Failed($"prometheus {SafeUrl.WithoutUserInfo(address)}: {error}");
        try
        {
            using var doc = JsonDocument.Parse(body!);
            var root = doc.RootElement;
            if (root.GetProperty("status").GetString() != "success")
                return MetricReading.Failed($"prometheus: {root.GetProperty("error").GetString()}");
            var values = Values(root.GetProperty("data")).ToList();
            var shown = promql.Length > 80 ? promql[..80] + "…" : promql;
            if (values.Count == 0) return new MetricReading(null, null, $"query returned no series: {shown}");
            var numbers = values.Where(v => !double.IsNaN(v)).ToList();
            if (numbers.Count == 0) return new MetricReading(double.NaN, null, $"query returned NaN: {shown}");
            var detail = numbers.Count > 1 ? $"{values.Count} values ({Num(numbers.Min())} to {Num(numbers.Max())}) of {shown}" : $"{values.Count} value(s) of {shown}";
            return new MetricReading(numbers.Max(), null, detail) { Lowest = numbers.Count > 1 ? numbers.Min() : null };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return MetricReading.Failed($"prometheus answered something that is not a query result: {e.Message}");
        }
    }

    private static IEnumerable<double> Values(JsonElement data)
    {
        var result = data.GetProperty("result");
        switch (data.GetProperty("resultType").GetString())
        {
            case "scalar":
                yield return PrometheusVector.Parse(result[1]);
                break;
            case "vector":
                foreach (var series in result.EnumerateArray()) yield return PrometheusVector.Parse(series.GetProperty("value")[1]);
                break;
            case "matrix":
                foreach (var series in result.EnumerateArray())
                    foreach (var point in series.GetProperty("values").EnumerateArray()) yield return PrometheusVector.Parse(point[1]);
                break;
        }
    }

    private static string Num(double v) => PrometheusVector.Number(v);
}
