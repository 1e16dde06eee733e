using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Client;

public sealed partial class KubeClient
{
    private async Task<KubeResult<JsonObject>> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string? contentType, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Config.RequestTimeout);
        try
        {
            using var request = NewRequest(method, pathAndQuery, body, contentType);
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var node = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return KubeResult<JsonObject>.Ok(node as JsonObject ?? []);
            }
            var status = KubeStatus.FromNode(node, (int)response.StatusCode);
            KubeClientLog.RequestFailed(_logger, method.Method, StripQuery(pathAndQuery), status.Code, status.Reason);
            return KubeResult<JsonObject>.Fail(status);
        }
        catch (HttpRequestException e)
        {
            KubeClientLog.TransportFailed(_logger, method.Method, StripQuery(pathAndQuery), e.Message);
            return KubeResult<JsonObject>.Fail(KubeStatus.Transport(e.Message));
        }
        catch (CredentialException e)
        {
            KubeClientLog.TransportFailed(_logger, method.Method, StripQuery(pathAndQuery), e.Message);
            return KubeResult<JsonObject>.Fail(KubeStatus.Transport(e.Message));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            KubeClientLog.TransportFailed(_logger, method.Method, StripQuery(pathAndQuery), "timed out");
            return KubeResult<JsonObject>.Fail(KubeStatus.Transport($"timed out after {Config.RequestTimeout}"));
        }
    }

    /// <summary>
    /// Sends through the official client's pipeline: its credentials (token, token file, exec plugin) first, as its
    /// typed calls do; client certificates and the CA are on its connection handler.
    /// </summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (_api.Credentials is { } credentials)
        {
            try
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A credential plugin that fails or a token file that vanished: the request cannot be sent.
                throw new CredentialException($"credentials for {Config.Server}: {e.Message}", e);
            }
        }
        if (Config.Kube.TlsServerName is { Length: > 0 } serverName)
        {
            request.Headers.Host = serverName;
        }
        return await _api.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Read-modify-write that survives concurrent writers: reads a fresh copy, lets <paramref name="mutate"/>
    /// change it (return false for "nothing to change"), writes it with its resourceVersion, and on
    /// 409 Conflict starts over from a fresh read, up to <paramref name="maxAttempts"/> times.
    /// </summary>
    public async Task<KubeResult<JsonObject>> UpdateWithRetryAsync(
        Func<CancellationToken, Task<KubeResult<JsonObject>>> get,
        Func<JsonObject, bool> mutate,
        Func<JsonObject, CancellationToken, Task<KubeResult<JsonObject>>> update,
        int maxAttempts = 10,
        CancellationToken cancellationToken = default)
    {
        KubeResult<JsonObject>? last = null;
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            var current = await get(cancellationToken).ConfigureAwait(false);
            if (!current.IsSuccess)
            {
                return current;
            }
            var obj = current.Value!;
            if (!mutate(obj))
            {
                return current;
            }
            last = await update(obj, cancellationToken).ConfigureAwait(false);
            if (last.IsSuccess || last.Error!.IsConflict is false)
            {
                return last;
            }
            KubeClientLog.ConflictRetried(_logger, NameOf(obj), attempt + 1);
        }
        return last!;
    }

    /// <summary><see cref="UpdateWithRetryAsync(Func{CancellationToken, Task{KubeResult{JsonObject}}}, Func{JsonObject, bool}, Func{JsonObject, CancellationToken, Task{KubeResult{JsonObject}}}, int, CancellationToken)"/> by GET and PUT (or PUT /status).</summary>
    public Task<KubeResult<JsonObject>> UpdateWithRetryAsync(KubeResource resource, string? ns, string name, Func<JsonObject, bool> mutate, bool status = false, CancellationToken cancellationToken = default) =>
        UpdateWithRetryAsync(
            ct => GetAsync(resource, ns, name, ct),
            mutate,
            (obj, ct) => status ? ReplaceStatusAsync(resource, ns, obj, ct) : ReplaceAsync(resource, ns, obj, ct),
            cancellationToken: cancellationToken);

    private static string StripQuery(string pathAndQuery) =>
        pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var i and >= 0 ? pathAndQuery[..i] : pathAndQuery;
}
