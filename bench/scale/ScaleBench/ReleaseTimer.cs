using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Bench.Scale;

/// <summary>
/// Releases a batch of the fleet at once (`set image` on each Deployment, in parallel) and times, per Rollout, from its
/// patch to (a) its canary ReplicaSet created and (b) the first step's split verified (status.weight at the
/// step's share of ready pods), both seen through watches opened before the first patch.
/// </summary>
internal sealed class ReleaseTimer(KubeClient client, Fleet fleet)
{
    public sealed record Result(IReadOnlyList<double> CanaryReplicaSet, IReadOnlyList<double> SplitVerified, int Missing);

    public async Task<Result> RunAsync(IReadOnlyList<string> names, string image, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var batch = names.ToHashSet(StringComparer.Ordinal);
        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var rsAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var splitAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        var rsVersion = await VersionAsync(KubeResource.ReplicaSets, cancellationToken);
        var rolloutVersion = await VersionAsync(RolloutResource.Rollouts, cancellationToken);
        var done = new TaskCompletionSource();
        void Check()
        {
            if (splitAt.Count == batch.Count && rsAt.Count == batch.Count) done.TrySetResult();
        }
        var rsWatch = WatchAsync(KubeResource.ReplicaSets, rsVersion, (type, obj) =>
        {
            if (type != WatchEventType.Added) return; // the new ReplicaSet, not the stable one being scaled
            var owner = (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
            if ((string?)owner?["name"] is { } d && batch.Contains(d) && started.ContainsKey(d)) rsAt.TryAdd(d, Stopwatch.GetTimestamp());
            Check();
        }, stop.Token);
        var rolloutWatch = WatchAsync(RolloutResource.Rollouts, rolloutVersion, (_, obj) =>
        {
            var name = (string?)obj["metadata"]?["name"];
            if (name is not null && batch.Contains(name) && started.ContainsKey(name) && obj["status"]?["canaryRevision"] is not null
                && (int?)obj["status"]?["weight"] == Fleet.VerifiedWeight)
                splitAt.TryAdd(name, Stopwatch.GetTimestamp());
            Check();
        }, stop.Token);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = names.Count, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            started[name] = Stopwatch.GetTimestamp();
            await fleet.SetImageAsync(name, image, ct);
        });
        try
        {
            await done.Task.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        await stop.CancelAsync();
        await Task.WhenAll(rsWatch, rolloutWatch);
        double Seconds(string n, long at) => Stopwatch.GetElapsedTime(started[n], at).TotalSeconds;
        return new Result([.. rsAt.Select(p => Seconds(p.Key, p.Value)).Order()], [.. splitAt.Select(p => Seconds(p.Key, p.Value)).Order()],
            batch.Count - Math.Min(rsAt.Count, splitAt.Count));
    }

    private async Task<string> VersionAsync(KubeResource resource, CancellationToken cancellationToken) =>
        (await client.ListAsync(resource, fleet.Namespace, new ListOptions { Limit = 1 }, cancellationToken)).ValueOrThrow().ResourceVersion;

    private async Task WatchAsync(KubeResource resource, string version, Action<WatchEventType, JsonObject> seen, CancellationToken cancellationToken)
    {
        try
        {
            var options = new WatchOptions { ResourceVersion = version, TimeoutSeconds = 3600 };
            await foreach (var ev in client.WatchAsync(resource, fleet.Namespace, options, cancellationToken))
            {
                if (ev.Type is WatchEventType.Added or WatchEventType.Modified && ev.Object is { } obj) seen(ev.Type, obj);
                if (ev.Type == WatchEventType.Error) throw new InvalidOperationException($"watch of {resource.Plural} failed: {ev.Status}");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
