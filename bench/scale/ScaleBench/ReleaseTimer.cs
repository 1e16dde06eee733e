using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Bench.Scale;

/// <summary>
/// Releases a batch of the fleet at once (`set image` on each Deployment, in parallel) and times, per Rollout, from its
/// patch to (0) the patched Deployment seen by this driver's own watch (how late watch events arrive on this machine), (a) the controller's first status write of the release (status.canaryRevision set: the informer saw the
/// change, the key waited in the queue, the reconcile ran and stored its decision), (b) the release's first Event on the
/// Rollout, (c) its canary ReplicaSet created and (d) the first step's split verified (status.weight at the step's share
/// of ready pods), all seen through watches opened before the first patch.
/// </summary>
internal sealed class ReleaseTimer(KubeClient client, Fleet fleet)
{
    public sealed record Result(IReadOnlyList<double> DeploymentSeen, IReadOnlyList<double> StatusStored, IReadOnlyList<double> FirstEvent, IReadOnlyList<double> CanaryReplicaSet,
        IReadOnlyList<double> SplitVerified, int Missing);

    public async Task<Result> RunAsync(IReadOnlyList<string> names, string image, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var batch = names.ToHashSet(StringComparer.Ordinal);
        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var deploymentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var statusAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var eventAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var rsAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var splitAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        var rsVersion = await VersionAsync(KubeResource.ReplicaSets, cancellationToken);
        var rolloutVersion = await VersionAsync(RolloutResource.Rollouts, cancellationToken);
        var eventVersion = await VersionAsync(KubeResource.Events, cancellationToken);
        var deploymentVersion = await VersionAsync(KubeResource.Deployments, cancellationToken);
        var done = new TaskCompletionSource();
        void Check()
        {
            if (splitAt.Count == batch.Count && rsAt.Count == batch.Count) done.TrySetResult();
        }
        bool Started(string? name) => name is not null && batch.Contains(name) && started.ContainsKey(name);
        var rsWatch = WatchAsync(KubeResource.ReplicaSets, rsVersion, (type, obj) =>
        {
            if (type != WatchEventType.Added) return; // the new ReplicaSet, not the stable one being scaled
            var owner = (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
            if ((string?)owner?["name"] is { } d && Started(d)) rsAt.TryAdd(d, Stopwatch.GetTimestamp());
            Check();
        }, stop.Token);
        var rolloutWatch = WatchAsync(RolloutResource.Rollouts, rolloutVersion, (_, obj) =>
        {
            var name = (string?)obj["metadata"]?["name"];
            if (!Started(name) || obj["status"]?["canaryRevision"] is null) return;
            statusAt.TryAdd(name!, Stopwatch.GetTimestamp());
            if ((int?)obj["status"]?["weight"] == Fleet.VerifiedWeight) splitAt.TryAdd(name!, Stopwatch.GetTimestamp());
            Check();
        }, stop.Token);
        var deploymentWatch = WatchAsync(KubeResource.Deployments, deploymentVersion, (_, obj) =>
        {
            var name = (string?)obj["metadata"]?["name"];
            if (Started(name) && (string?)obj["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] != Fleet.Image) deploymentAt.TryAdd(name!, Stopwatch.GetTimestamp());
        }, stop.Token);
        var eventWatch = WatchAsync(KubeResource.Events, eventVersion, (type, obj) =>
        {
            var name = (string?)obj["involvedObject"]?["name"];
            if (type == WatchEventType.Added && (string?)obj["involvedObject"]?["kind"] == "Rollout" && Started(name))
                eventAt.TryAdd(name!, Stopwatch.GetTimestamp());
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
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // the last events may come after the split
        await stop.CancelAsync();
        await Task.WhenAll(rsWatch, rolloutWatch, eventWatch, deploymentWatch);
        IReadOnlyList<double> Seconds(ConcurrentDictionary<string, long> at) => [.. at.Select(p => Stopwatch.GetElapsedTime(started[p.Key], p.Value).TotalSeconds).Order()];
        return new Result(Seconds(deploymentAt), Seconds(statusAt), Seconds(eventAt), Seconds(rsAt), Seconds(splitAt), batch.Count - Math.Min(rsAt.Count, splitAt.Count));
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
