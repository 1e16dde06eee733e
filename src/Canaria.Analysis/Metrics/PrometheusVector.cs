using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Canaria.Core.Analysis;

namespace Canaria.Analysis.Metrics;

/// <summary>One sample of an instant query's answer: its le label (histograms) and its value.</summary>
internal readonly record struct PrometheusSample(string? Le, double Value);

/// <summary>
/// An instant query against Prometheus' HTTP API, answered as samples or an error text. The answer is bounded:
/// more than <see cref="MaxSeries"/> series is an error (a query that forgot its sum or its labels), never a slow parse.
/// </summary>
internal static class PrometheusVector
{
    public const int MaxSeries = 1000;

    public static async Task<(IReadOnlyList<PrometheusSample>? Samples, string? Error)> QueryAsync(
        HttpClient http, TimeSpan timeout, string address, AuthenticationHeaderValue? auth, string promql, DateTimeOffset at, CancellationToken ct)
    {
        var url = $"{address.TrimEnd('/')}/api/v1/query?query={Uri.EscapeDataString(promql)}&time={Number(at.ToUnixTimeMilliseconds() / 1000.0)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        var (body, error) = await MetricHttp.SendAsync(http, request, timeout, ct).ConfigureAwait(false);
        if (error is not null) return (null, $"prometheus {SafeUrl.WithoutUserInfo(address)}: {error}");
        try
        {
            using var doc = JsonDocument.Parse(body!);
            var root = doc.RootElement;
            if (root.GetProperty("status").GetString() != "success")
                return (null, $"prometheus: {root.GetProperty("error").GetString()}");
            var data = root.GetProperty("data");
            var result = data.GetProperty("result");
            switch (data.GetProperty("resultType").GetString())
            {
                case "scalar":
                    return ([new PrometheusSample(null, Parse(result[1]))], null);
                case "vector":
                    if (result.GetArrayLength() > MaxSeries) return (null, $"the query answered {result.GetArrayLength()} series (at most {MaxSeries}): sum it by the labels it needs");
                    var samples = new List<PrometheusSample>(result.GetArrayLength());
                    foreach (var series in result.EnumerateArray())
                    {
                        var le = series.GetProperty("metric").TryGetProperty("le", out var l) ? l.GetString() : null;
                        samples.Add(new PrometheusSample(le, Parse(series.GetProperty("value")[1])));
                    }
                    return (samples, null);
                default:
                    return (null, "the query answered a range (matrix), not one value per series: write an instant query (increase(...[{{window}}]))");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            return (null, $"prometheus answered something that is not a query result: {e.Message}");
        }
    }

    public static double Parse(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        null => throw new FormatException("a sample's value is null"),
        var s => double.Parse(s, CultureInfo.InvariantCulture),
    };

    /// <summary>A value as Prometheus writes it (NaN, +Inf, -Inf) or with three decimals at most.</summary>
    public static string Number(double v) => double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("0.###", CultureInfo.InvariantCulture);
}
