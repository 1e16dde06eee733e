using System.Net;

namespace Canaria.Analysis.Metrics;

/// <summary>One HTTP exchange with a timeout; failures come back as a short error text (status code, timeout, connection).</summary>
internal static class MetricHttp
{
    public static async Task<(string? Body, string? Error)> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (body, null) : (null, $"HTTP {(int)response.StatusCode} {Describe(response.StatusCode)}");
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
}
