using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// Watches every ReplicaSet of a namespace and keeps, per ReplicaSet, the smallest spec.replicas any write gave it since
/// the last <see cref="Reset"/>: a scale-down that is undone a moment later still shows (a poll could miss it).
/// </summary>
internal sealed class ReplicaSetSampler : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _lowest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _sizes = new(StringComparer.Ordinal);
    private readonly KubeInformer<JsonObject> _informer;

    private ReplicaSetSampler(KubeClient client, string ns) =>
        _informer = new KubeInformer<JsonObject>(client, KubeResource.ReplicaSets, ns, InformerCodecs.Json, onEvent: OnEvent);

    public static async Task<ReplicaSetSampler> StartAsync(KubeClient client, string ns)
    {
        var sampler = new ReplicaSetSampler(client, ns);
        sampler._informer.Start();
        await sampler._informer.WaitForSyncAsync(CancellationToken.None);
        return sampler;
    }

    /// <summary>Forgets what was seen; each ReplicaSet starts again from its current size.</summary>
    public void Reset()
    {
        _lowest.Clear();
        _sizes.Clear();
        foreach (var rs in _informer.List()) Record(rs);
    }

    /// <summary>The smallest spec.replicas written to this ReplicaSet since the last reset (null: never seen).</summary>
    public int? Lowest(string replicaSet) => _lowest.TryGetValue(replicaSet, out var n) ? n : null;

    /// <summary>The smallest spec.replicas written to this ReplicaSet after it first reached <paramref name="size"/> since the last reset (null: it never did).</summary>
    public int? LowestAfterReaching(string replicaSet, int size) =>
        _sizes.TryGetValue(replicaSet, out var sizes) && sizes.SkipWhile(n => n < size).ToList() is { Count: > 0 } after ? after.Min() : null;

    private ValueTask OnEvent(InformerEvent<JsonObject> ev, CancellationToken cancellationToken)
    {
        if (ev.Type != InformerEventType.Deleted) Record(ev.Object);
        return ValueTask.CompletedTask;
    }

    private void Record(JsonObject rs)
    {
        var name = Objects.Str(rs, "metadata", "name")!;
        var replicas = (int)Objects.Int(rs, "spec", "replicas");
        _lowest.AddOrUpdate(name, replicas, (_, seen) => Math.Min(seen, replicas));
        _sizes.GetOrAdd(name, _ => new ConcurrentQueue<int>()).Enqueue(replicas);
    }

    public ValueTask DisposeAsync() => _informer.DisposeAsync();
}
