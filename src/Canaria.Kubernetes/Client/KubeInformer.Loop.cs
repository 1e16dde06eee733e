using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Client;

internal sealed partial class KubeInformer<T>
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.BackoffInitial, _options.BackoffMax, _random);
        while (!cancellationToken.IsCancellationRequested)
        {
            string? error;
            try
            {
                error = LastResourceVersion is null
                    ? await RelistAsync(cancellationToken).ConfigureAwait(false)
                    : await WatchOnceAsync(backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"{e.GetType().Name}: {e.Message}"; // never let the informer die silently
            }
            if (error is not null)
            {
                var delay = backoff.Next();
                KubeClientLog.WatchFailed(_logger, _resource.Plural, error, delay);
                await Task.Delay(delay, _client.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Lists everything, replaces the store, and reports the difference to the old store as events.</summary>
    private async Task<string?> RelistAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAllAsync(_resource, _namespace,
            new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector, Limit = _options.PageSize },
            cancellationToken).ConfigureAwait(false);
        if (!list.IsSuccess)
        {
            return list.Error!.ToString();
        }
        Interlocked.Increment(ref _listCount);
        var fresh = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var raw in list.Value!.Items)
        {
            if (TryDecode(raw, out var decoded)) fresh[KeyOf(decoded)] = decoded;
            else if (_store.TryGetValue(RawKey(raw), out var lastGood)) fresh[RawKey(raw)] = lastGood; // kept, not reported deleted
        }
        KubeClientLog.Listed(_logger, fresh.Count, _resource.Plural, list.Value.ResourceVersion);
        foreach (var (key, old) in _store)
        {
            if (!fresh.ContainsKey(key) && _store.TryRemove(key, out _))
            {
                await EmitAsync(new InformerEvent<T>(InformerEventType.Deleted, old), cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var (key, obj) in fresh)
        {
            var had = _store.TryGetValue(key, out var old);
            _store[key] = obj;
            if (!had)
            {
                await EmitAsync(new InformerEvent<T>(InformerEventType.Added, obj), cancellationToken).ConfigureAwait(false);
            }
            else if (ResourceVersionOf(old) != ResourceVersionOf(obj))
            {
                await EmitAsync(new InformerEvent<T>(InformerEventType.Modified, obj), cancellationToken).ConfigureAwait(false);
            }
        }
        LastResourceVersion = list.Value.ResourceVersion;
        _synced.TrySetResult();
        return null;
    }

    /// <summary>One watch connection from <see cref="LastResourceVersion"/>; returns an error to back off on, or null.</summary>
    private async Task<string?> WatchOnceAsync(Backoff backoff, CancellationToken cancellationToken)
    {
        // Spread renewals of many informers: 1x..2x the configured timeout.
        var timeout = _options.WatchTimeout.TotalSeconds;
        double jitter;
        lock (_random)
        {
            jitter = _random.NextDouble();
        }
        var options = new WatchOptions
        {
            ResourceVersion = LastResourceVersion,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
            AllowWatchBookmarks = true,
            TimeoutSeconds = (int)Math.Max(1, timeout * (1 + jitter)),
        };
        await foreach (var ev in _client.WatchAsync(_resource, _namespace, options, cancellationToken).ConfigureAwait(false))
        {
            switch (ev.Type)
            {
                case WatchEventType.Error when ev.Status!.IsGone:
                    Interlocked.Increment(ref _expiredCount);
                    KubeClientLog.WatchExpired(_logger, _resource.Plural, LastResourceVersion ?? "");
                    LastResourceVersion = null;
                    return null;
                case WatchEventType.Error when ev.Status!.Reason == "Transport":
                    return ev.Status.ToString(); // resume from the same resourceVersion after back-off
                case WatchEventType.Error:
                    LastResourceVersion = null; // the server refused this watch: relist after back-off, as client-go does
                    return ev.Status.ToString();
                case WatchEventType.Bookmark:
                    LastResourceVersion = (string?)ev.Object?["metadata"]?["resourceVersion"] ?? LastResourceVersion;
                    break;
                case WatchEventType.Deleted:
                    var goneKey = RawKey(ev.Object!);
                    LastResourceVersion = RawResourceVersion(ev.Object!) ?? LastResourceVersion;
                    if (!TryDecode(ev.Object!, out var gone) && !_store.TryGetValue(goneKey, out gone)) break;
                    _store.TryRemove(goneKey, out _);
                    await EmitAsync(new InformerEvent<T>(InformerEventType.Deleted, gone), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (!TryDecode(ev.Object!, out var obj))
                    {
                        LastResourceVersion = RawResourceVersion(ev.Object!) ?? LastResourceVersion; // never meet it again on a resume
                        break;
                    }
                    var key = KeyOf(obj);
                    var had = _store.ContainsKey(key);
                    _store[key] = obj;
                    LastResourceVersion = ResourceVersionOf(obj) ?? LastResourceVersion;
                    await EmitAsync(new InformerEvent<T>(had ? InformerEventType.Modified : InformerEventType.Added, obj), cancellationToken).ConfigureAwait(false);
                    break;
            }
            backoff.Reset();
        }
        return null;
    }

    /// <summary>
    /// One object as the cache holds it; false (logged) when it cannot be read, e.g. a field the client's model parses
    /// differently on a newer server. One such object must not stop the informer: it is skipped and the cache keeps its
    /// last good copy, while every other object of the kind keeps flowing.
    /// </summary>
    private bool TryDecode(System.Text.Json.Nodes.JsonObject raw, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? obj)
    {
        try
        {
            obj = _codec.Decode(raw);
            return true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException or NotSupportedException)
        {
            InformerLog.Unreadable(_logger, _resource.Plural, RawKey(raw), RawResourceVersion(raw) ?? "", e.Message);
            obj = null;
            return false;
        }
    }

    private static string RawKey(System.Text.Json.Nodes.JsonObject raw) =>
        KubeInformer.Key((string?)raw["metadata"]?["namespace"], (string?)raw["metadata"]?["name"] ?? "");

    private static string? RawResourceVersion(System.Text.Json.Nodes.JsonObject raw) => (string?)raw["metadata"]?["resourceVersion"];
}

internal static partial class InformerLog
{
    [LoggerMessage(21, LogLevel.Error, "{Resource} {Key} at resourceVersion {ResourceVersion} could not be read ({Error}); skipped, the cache keeps its last good copy")]
    public static partial void Unreadable(ILogger logger, string resource, string key, string resourceVersion, string error);

    [LoggerMessage(20, LogLevel.Error, "Informer callback for {Resource} failed")]
    public static partial void CallbackFailed(ILogger logger, string resource, Exception exception);
}
