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
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response.Content, cts.Token).ConfigureAwait(false);
            if (body is null) return (null, $"the answer is larger than {MaxBody / (1024 * 1024)} MiB (a query without its sum or labels?)");
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

    /// <summary>The most of an answer ever read: a metric query answers a few numbers, never megabytes.</summary>
    public const int MaxBody = 16 * 1024 * 1024;

    /// <summary>The body as text, or null when it is longer than <see cref="MaxBody"/> (read no further than that).</summary>
    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxBody) return null;
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBody) return null;
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
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
