using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>One instant query against Prometheus's HTTP API: the value per value of one label, or the reason it failed.</summary>
internal sealed class PrometheusClient(HttpClient http, Uri address)
{
    public async Task<(IReadOnlyDictionary<string, double>? Values, string? Error)> QueryAsync(string query, string label, CancellationToken ct)
    {
        var url = new Uri(address, "api/v1/query?query=" + Uri.EscapeDataString(query));
        string text;
        try
        {
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && text.Length == 0) return (null, $"Prometheus answered {(int)response.StatusCode} to {query}");
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach Prometheus at {address}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"Prometheus at {address} did not answer within {http.Timeout.TotalSeconds:0}s");
        }
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return (null, $"Prometheus at {address} did not answer with JSON: {text[..Math.Min(200, text.Length)]}");
        }
        if ((string?)body?["status"] != "success") return (null, $"Prometheus refused {query}: {(string?)body?["error"] ?? text}");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var series in (body!["data"]?["result"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var key = (string?)series["metric"]?[label] ?? "";
            if ((string?)series["value"]?[1] is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) values[key] = d;
        }
        return (values, null);
    }
}
