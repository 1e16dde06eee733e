using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>One instant query against Prometheus's HTTP API: the value per value of one label, or the reason it failed (Prometheus's own error when it answered).</summary>
internal sealed class PrometheusClient(HttpClient http, Uri address)
{
    public async Task<PrometheusAnswer> QueryAsync(string query, string label, CancellationToken ct)
    {
        var url = new Uri(address, "api/v1/query?query=" + Uri.EscapeDataString(query));
        string text;
        try
        {
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && text.Length == 0) return PrometheusAnswer.Unreachable($"Prometheus at {address} answered {(int)response.StatusCode} with no body to {query}");
        }
        catch (HttpRequestException e)
        {
            return PrometheusAnswer.Unreachable($"cannot reach Prometheus at {address}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return PrometheusAnswer.Unreachable($"Prometheus at {address} did not answer within {http.Timeout.TotalSeconds:0}s");
        }
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return PrometheusAnswer.Unreachable($"Prometheus at {address} did not answer with JSON: {text[..Math.Min(200, text.Length)]}");
        }
        if ((string?)body?["status"] != "success")
            return PrometheusAnswer.Refused($"Prometheus at {address} refused the query {query}: {((string?)body?["errorType"] is { } type ? type + ": " : "")}{(string?)body?["error"] ?? text}");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var series in (body!["data"]?["result"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var key = (string?)series["metric"]?[label] ?? "";
            if ((string?)series["value"]?[1] is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) values[key] = d;
        }
        return new PrometheusAnswer(values, null, true);
    }
}
