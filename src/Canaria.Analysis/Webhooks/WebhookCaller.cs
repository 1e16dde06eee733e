using System.Net.Http.Json;
using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Analysis.Webhooks;

/// <summary>What one webhook call ended with: an HTTP status, or no answer (timeouts and connection errors after every retry).</summary>
internal sealed record WebhookAnswer(int? StatusCode, string Detail, int Attempts)
{
    public bool Answered => StatusCode is not null;
    public bool Ok => StatusCode is >= 200 and < 300;
}

/// <summary>POSTs the payload with the hook's timeout per attempt; retries on no answer (and on 5xx when asked to).</summary>
internal static class WebhookCaller
{
    public static async Task<WebhookAnswer> CallAsync(HttpClient http, WebhookSpec hook, WebhookPayload payload, bool retryServerErrors, CancellationToken ct)
    {
        var attempts = 0;
        var detail = "";
        int? status = null;
        while (attempts <= hook.Retries)
        {
            attempts++;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(hook.Timeout);
            try
            {
                using var response = await http.PostAsJsonAsync(hook.Url, payload, CoreJson.Options, cts.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                detail = $"HTTP {status}";
                if (response.IsSuccessStatusCode || !(retryServerErrors && status >= 500)) return new WebhookAnswer(status, detail, attempts);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                status = null;
                detail = $"no answer within {Durations.Format(hook.Timeout)}";
            }
            catch (HttpRequestException e)
            {
                status = null;
                detail = $"request failed: {e.HttpRequestError}";
            }
        }
        return new WebhookAnswer(status, $"{detail} after {attempts} attempt(s)", attempts);
    }
}
