using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Kubernetes.Client;

internal enum InformerEventType { Added, Modified, Deleted, Resync }

internal sealed record InformerEvent<T>(InformerEventType Type, T Object);

internal sealed record InformerOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>Every period each cached object is handed to the callback again as <see cref="InformerEventType.Resync"/>.</summary>
    public TimeSpan? ResyncPeriod { get; init; }
    /// <summary>How long one watch connection lasts before it is renewed (the server closes it).</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);
    public int PageSize { get; init; } = 500;
    /// <summary>
    /// Resume: watch from this resourceVersion first instead of listing (a 410 then forces a relist).
    /// <see cref="KubeInformer{T}.HasSynced"/> turns true only after a full list.
    /// </summary>
    public string? StartResourceVersion { get; init; }
}

/// <summary>
/// List + watch of one resource into an in-memory store keyed by namespace/name. Events reach the
/// callback in order, one at a time. Watches resume from the last seen resourceVersion (bookmarks
/// included); a 410 Gone relists and reports the difference as events; failures reconnect with
/// back-off and jitter. Cached objects are shared: treat them as read-only (copy one to change it). What is cached is
/// the codec's shape (<see cref="InformerCodecs"/>): JSON, or the official client's models for core kinds.
/// </summary>
internal sealed partial class KubeInformer<T> : IAsyncDisposable where T : class
{
    private readonly KubeClient _client;
    private readonly KubeResource _resource;
    private readonly string? _namespace;
    private readonly InformerCodec<T> _codec;
    private readonly InformerOptions _options;
    private readonly Func<InformerEvent<T>, CancellationToken, ValueTask>? _onEvent;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _store = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _emitGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;
    private int _listCount;
    private int _expiredCount;

    public KubeInformer(KubeClient client, KubeResource resource, string? ns, InformerCodec<T> codec, InformerOptions? options = null,
        Func<InformerEvent<T>, CancellationToken, ValueTask>? onEvent = null, Random? random = null, ILogger? logger = null)
    {
        _client = client;
        _resource = resource;
        _namespace = ns;
        _codec = codec;
        _options = options ?? new InformerOptions();
        _onEvent = onEvent;
        _random = random ?? Random.Shared;
        _logger = logger ?? NullLogger.Instance;
        LastResourceVersion = _options.StartResourceVersion;
    }

    public bool HasSynced => _synced.Task.IsCompleted;
    /// <summary>The resourceVersion the next watch resumes from (null: the next step is a list).</summary>
    public string? LastResourceVersion { get; private set; }
    /// <summary>How many full lists ran (the first one plus every relist after a 410).</summary>
    public int ListCount => Volatile.Read(ref _listCount);
    /// <summary>How many watches ended with 410 Gone.</summary>
    public int ExpiredCount => Volatile.Read(ref _expiredCount);

    public void Start()
    {
        var ct = _stop.Token;
        var watch = Task.Run(() => RunAsync(ct), ct);
        var resync = _options.ResyncPeriod is { } period ? Task.Run(() => ResyncAsync(period, ct), ct) : Task.CompletedTask;
        _loops = Task.WhenAll(watch, resync);
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public T? Get(string? ns, string name) => _store.TryGetValue(KubeInformer.Key(ns, name), out var obj) ? obj : null;

    public IReadOnlyList<T> List() => [.. _store.Values];

    /// <summary>
    /// Puts an object this process just wrote into the cache, so the next read sees the write before its watch event
    /// arrives; only over an older copy of the same object (the watch stays the authority and overwrites it anyway).
    /// </summary>
    public void Wrote(JsonObject written)
    {
        var obj = _codec.Decode(written);
        var key = KeyOf(obj);
        if (!_store.TryGetValue(key, out var cached) || _codec.Identity(cached).Uid != _codec.Identity(obj).Uid)
        {
            return;
        }
        if (long.TryParse(ResourceVersionOf(cached), out var had) && long.TryParse(ResourceVersionOf(obj), out var has) && has > had)
        {
            _store.TryUpdate(key, obj, cached);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Stopping cancels the open watch mid-read; how the transport reports that does not matter here.
        }
        _stop.Dispose();
        _emitGate.Dispose();
    }

    private string KeyOf(T obj)
    {
        var id = _codec.Identity(obj);
        return KubeInformer.Key(id.Namespace, id.Name ?? "");
    }

    private string? ResourceVersionOf(T? obj) => obj is null ? null : _codec.Identity(obj).ResourceVersion;

    private async Task ResyncAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(period, _client.Time, cancellationToken).ConfigureAwait(false);
            if (!HasSynced)
            {
                continue;
            }
            foreach (var obj in _store.Values)
            {
                await EmitAsync(new InformerEvent<T>(InformerEventType.Resync, obj), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task EmitAsync(InformerEvent<T> ev, CancellationToken cancellationToken)
    {
        if (_onEvent is null)
        {
            return;
        }
        await _emitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _onEvent(ev, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            InformerLog.CallbackFailed(_logger, _resource.Plural, e);
        }
        finally
        {
            _emitGate.Release();
        }
    }
}
