using System.Net;
using System.Text.Json;

namespace Canaria.Analysis.Metrics;

/// <summary>One HTTP exchange with a timeout; failures come back as a short error text (status code and the answer's JSON error, timeout, connection).</summary>
internal static class MetricHttp
{
    public const int MaxError = 300;

    public static async Task<(string? Body, string? Error)> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (body, null) : (null, $"HTTP {(int)response.StatusCode} {Describe(response.StatusCode)}{ErrorOf(body)}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            return (null, $"request failed: {e.HttpRequestError}");
        }
    }

    private static string Describe(HttpStatusCode code) => code.ToString();

    /// <summary>
    /// The "error" field of a JSON error answer (Prometheus: "1:6: parse error: unclosed left parenthesis"), so a typo
    /// in a query is visible in the evidence; at most <see cref="MaxError"/> characters, on one line. Nothing else of
    /// the body is shown: an endpoint may echo what it was sent.
    /// </summary>
    private static string ErrorOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.String)
                return "";
            var text = string.Join(' ', (e.GetString() ?? "").Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            if (text.Length == 0) return "";
            return ": " + (text.Length > MaxError ? text[..MaxError] + "…" : text);
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
