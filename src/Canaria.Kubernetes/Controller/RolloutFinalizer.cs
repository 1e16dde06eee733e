using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Deleting a Rollout hands the Deployment back to Kubernetes: the active (or stable) Service selects every pod of the
/// app, then the routers restore the user's objects
/// again (both versions are ready at that moment, so it never has no endpoints), then the Rollout's ReplicaSets go back
/// to the Deployment and it is un-paused: its own controller finishes toward whatever template it has (the canary's,
/// or the stable one after a cancel).
/// The finalizer makes sure this happens before the Rollout is gone.
/// </summary>
internal sealed class RolloutFinalizer(KubeClient client)
{
    public const string Name = "canaria.dev/release";

    public static bool Has(JsonObject rollout) => RolloutObject.Of(rollout).Finalizers.Contains(Name);

    public static bool Deleting(JsonObject rollout) => RolloutObject.Of(rollout).Deleting;

    public Task<KubeResult<JsonObject>> AddAsync(string ns, string name, CancellationToken cancellationToken) =>
        client.UpdateWithRetryAsync(RolloutResource.Rollouts, ns, name, r =>
        {
            if (Has(r) || Deleting(r)) return false;
            var list = r["metadata"]!["finalizers"] as JsonArray ?? [];
            list.Add(Name);
            r["metadata"]!["finalizers"] = list;
            return true;
        }, cancellationToken: cancellationToken);

    /// <summary>
    /// Whether <paramref name="written"/> (what <see cref="AddAsync"/> returned) is <paramref name="read"/> with the
    /// finalizer in and the same spec, so a reconcile may go on with it; a spec changed or a delete begun meanwhile is
    /// read again from the cache instead.
    /// </summary>
    public static bool AddedToSameSpec(JsonObject read, JsonObject written) =>
        Has(written) && !Deleting(written) && RolloutObject.Of(written).Generation == RolloutObject.Of(read).Generation;

    /// <summary>Hands the Deployment back; returns an error to retry on, or null when the finalizer is gone.</summary>
    public async Task<string?> FinalizeAsync(string ns, string name, RolloutSpec? spec, DeploymentView? d, CancellationToken cancellationToken,
        Func<CancellationToken, Task<string?>>? releaseRouting = null)
    {
        var selects = spec?.Strategy.Kind == StrategyKind.BlueGreen || (spec?.TrafficRouting?.Any == true && RoutedTraffic.RoutesByService(spec));
        if (selects && spec!.Service is { Name.Length: > 0 } service)
        {
            var patch = new JsonObject { ["spec"] = new JsonObject { ["selector"] = new JsonObject { [PodTemplates.HashLabel] = null } } };
            var widened = await client.PatchAsync(KubeResource.Services, ns, service.Name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!widened.IsSuccess && !widened.Error!.IsNotFound) return $"widening Service {service.Name} failed: {widened.Error}";
        }
        // Only now the routers give the user's objects back: their traffic goes to a Service that selects every ready
        // pod again, never to one that may select none (a canary step at 100% leaves stable without pods).
        if (releaseRouting is not null && await releaseRouting(cancellationToken).ConfigureAwait(false) is { } routingError) return routingError;
        // The ReplicaSets the Rollout controls (a canary, an old stable in its delay) go back to the Deployment, with the
        // Deployment's size in desired-replicas (an older Canaria held it at 0 on a Recreate Deployment's new ReplicaSet,
        // which the un-paused Deployment controller would take for a scaling event forever); then it is un-paused and its
        // own controller finishes toward its template from these ReplicaSets, making no new one.
        var handBack = await HandBackAsync(ns, d, cancellationToken).ConfigureAwait(false);
        if (handBack is not null) return handBack;
        if (spec?.WorkloadRef is { Name.Length: > 0 } workload)
        {
            var patch = new JsonObject { ["spec"] = new JsonObject { ["paused"] = false } };
            var resumed = await client.PatchAsync(KubeResource.Deployments, ns, workload.Name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!resumed.IsSuccess && !resumed.Error!.IsNotFound) return $"un-pausing Deployment {workload.Name} failed: {resumed.Error}";
        }
        var removed = await client.UpdateWithRetryAsync(RolloutResource.Rollouts, ns, name, r =>
        {
            if (!Has(r)) return false;
            var rest = new JsonArray(((JsonArray)r["metadata"]!["finalizers"]!).Where(f => (string?)f != Name).Select(f => f?.DeepClone()).ToArray());
            r["metadata"]!["finalizers"] = rest;
            return true;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return removed.IsSuccess || removed.Error!.IsNotFound ? null : $"removing the finalizer failed: {removed.Error}";
    }

    private async Task<string?> HandBackAsync(string ns, DeploymentView? d, CancellationToken cancellationToken)
    {
        var size = d?.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var rs in d?.ReplicaSets ?? [])
        {
            var held = rs.ControllerUid == d!.Uid;
            if (held && rs.Object.Metadata.Annotation(DeploymentView.DesiredReplicasAnnotation) == size) continue;
            var metadata = new JsonObject { ["annotations"] = new JsonObject { [DeploymentView.DesiredReplicasAnnotation] = size } };
            if (!held) metadata["ownerReferences"] = ReplicaSetOwnership.WithOwners(rs, ReplicaSetOwnership.DeploymentReference(d));
            var patched = await client.PatchAsync(KubeResource.ReplicaSets, ns, rs.Name, PatchType.Merge, new JsonObject { ["metadata"] = metadata },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!patched.IsSuccess && !patched.Error!.IsNotFound) return $"handing ReplicaSet {rs.Name} back to Deployment {d.Name} failed: {patched.Error}";
        }
        return null;
    }
}
