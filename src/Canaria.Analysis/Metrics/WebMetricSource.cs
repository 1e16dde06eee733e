using System.Text;
using System.Text.Json;
using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Analysis.Metrics;

/// <summary>GETs or POSTs a URL (placeholders filled, URL-escaped) and reads one number from the JSON answer by a JSON path.</summary>
internal sealed class WebMetricSource(HttpClient http, TimeSpan timeout) : IValueSource
{
    public async ValueTask<MetricReading> ReadAsync(CheckSpec check, CheckQuery query, CancellationToken cancellationToken)
    {
        var url = QueryTemplate.Render(check.Url!, query, Uri.EscapeDataString);
        var (auth, authError) = SourceAuth.Header(check.Auth);
        if (authError is not null) return MetricReading.Failed(authError);

        using var request = new HttpRequestMessage(check.HttpMethod == "POST" ? HttpMethod.Post : HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        if (check.HttpMethod == "POST")
            request.Content = new StringContent(QueryTemplate.Render(check.Body ?? "", query), Encoding.UTF8, "application/json");
        var (body, error) = await MetricHttp.SendAsync(http, request, timeout, cancellationToken).ConfigureAwait(false);
        var where = SafeUrl.Where(url); // never user:password@ nor the query string: they may carry secrets
        if (error is not null) return MetricReading.Failed($"{where}: {error}");
        try
        {
            using var doc = JsonDocument.Parse(body!);
            var (value, problem) = JsonPath.Read(doc.RootElement, check.JsonPath!);
            return new MetricReading(value, null, problem ?? $"{check.JsonPath} of {where}");
        }
        catch (JsonException)
        {
            return MetricReading.Failed($"{where} did not answer JSON");
        }
    }
}
