using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Client;

public enum WatchEventType { Added, Modified, Deleted, Bookmark, Error }

/// <summary>One event of a watch; <see cref="Status"/> is set for <see cref="WatchEventType.Error"/> (410 Gone: relist).</summary>
public sealed record WatchEvent(WatchEventType Type, JsonObject? Object, KubeStatus? Status = null);

public sealed partial class KubeClient
{
    /// <summary>
    /// One watch connection. Ends when the server closes it (timeoutSeconds), or after yielding one
    /// <see cref="WatchEventType.Error"/> event for an HTTP error, an ERROR event from the server
    /// (410 Gone when the resourceVersion is too old) or a transport failure. Reconnecting, relisting and
    /// back-off are the caller's job (<see cref="KubeInformer"/> does all three).
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KubeResource resource, string? ns, WatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = Query(("watch", "true"), ("resourceVersion", options.ResourceVersion),
            ("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null),
            ("labelSelector", options.LabelSelector), ("fieldSelector", options.FieldSelector),
            ("timeoutSeconds", options.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = NewRequest(HttpMethod.Get, resource.Path(ns) + query, null, null);
        HttpResponseMessage? response = null;
        WatchEvent? failure = null;
        try
        {
            response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or CredentialException)
        {
            failure = new WatchEvent(WatchEventType.Error, null, KubeStatus.Transport(e.Message));
        }
        if (failure is not null || response is null)
        {
            yield return failure!;
            yield break;
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
                yield return new WatchEvent(WatchEventType.Error, null, KubeStatus.FromNode(body, (int)response.StatusCode));
                yield break;
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    failure = new WatchEvent(WatchEventType.Error, null, KubeStatus.Transport(e.Message));
                    line = null;
                }
                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }
                if (line is null)
                {
                    yield break;
                }
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                var ev = ParseEvent(line);
                yield return ev;
                if (ev.Type == WatchEventType.Error)
                {
                    yield break;
                }
            }
        }
    }

    private static WatchEvent ParseEvent(string line)
    {
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException e)
        {
            return new WatchEvent(WatchEventType.Error, null, KubeStatus.Transport($"malformed watch event: {e.Message}"));
        }
        var obj = node?["object"] as JsonObject;
        obj?.Parent?.AsObject().Remove("object");
        return (string?)node?["type"] switch
        {
            "ADDED" => new WatchEvent(WatchEventType.Added, obj),
            "MODIFIED" => new WatchEvent(WatchEventType.Modified, obj),
            "DELETED" => new WatchEvent(WatchEventType.Deleted, obj),
            "BOOKMARK" => new WatchEvent(WatchEventType.Bookmark, obj),
            _ => new WatchEvent(WatchEventType.Error, obj, KubeStatus.FromNode(obj, 500)),
        };
    }
}
