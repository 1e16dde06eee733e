using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Which controller owns each ReplicaSet of a release, so that the paused Deployment controller never resizes one that
/// Canaria sizes. A paused Deployment's controller still runs its scale step on every sync, over the ReplicaSets it
/// controls: with one active (replicas &gt; 0), it holds that one at the Deployment's replicas; with several, it scales
/// the old ones to 0 as soon as the one matching its template is "saturated" (its replicas, its desired-replicas
/// annotation and its available pods all equal the Deployment's replicas), and otherwise resizes all of them in
/// proportion to replicas + maxSurge. Both undo a canary that is as large as the Deployment, or larger than maxSurge.
/// So the Deployment controls at most one active ReplicaSet, the primary: the one that runs the Deployment's replicas
/// (stable during a release, the new stable once the old one may go). Every other ReplicaSet with pods (a canary, a
/// green, an old stable in its scale-down delay) is controlled by the Rollout; one without pods goes back to the
/// Deployment, as its revision history. A Rollout-controlled ReplicaSet keeps the Deployment as a second owner that is
/// not its controller: if the Rollout goes without handing it back (a foreground delete, a finalizer stripped by hand),
/// the garbage collector only drops the Rollout's reference, and the Deployment controller adopts the orphan.
/// </summary>
internal static class ReplicaSetOwnership
{
    /// <summary>
    /// The ReplicaSet the Deployment should control, given the pods planned for each (by name), or null while none can
    /// take the role yet. A Deployment-controlled ReplicaSet that keeps pods stays primary. Otherwise the primary is the
    /// one planned at the Deployment's full size, taken over only once it runs and has available all of those pods; until
    /// then the previous primary keeps its pods.
    /// </summary>
    public static OwnedReplicaSet? Primary(DeploymentView d, IReadOnlyDictionary<string, int> planned)
    {
        var held = d.ReplicaSets.Where(rs => rs.ControllerUid == d.Uid).ToList();
        var staying = held.Where(rs => rs.Replicas > 0 && planned[rs.Name] > 0)
            .OrderByDescending(rs => planned[rs.Name]).ThenBy(rs => rs.KubeRevision).FirstOrDefault(); // the older: stable, in a state an older Canaria left
        if (staying is not null) return staying;
        var candidate = d.ReplicaSets.Where(rs => planned[rs.Name] > 0 && planned[rs.Name] >= d.Replicas)
            .OrderByDescending(rs => rs.ControllerUid == d.Uid).ThenByDescending(rs => rs.KubeRevision).FirstOrDefault();
        if (candidate is null) return null;
        var full = candidate.Replicas >= d.Replicas && candidate.AvailableReplicas >= d.Replicas;
        return full || !held.Any(rs => rs.Replicas > 0) ? candidate : null;
    }

    /// <summary>
    /// The reference to the Deployment: as controller (what its own controller writes on the ReplicaSets it makes), or as
    /// a plain owner beside the Rollout, which the Deployment controller ignores until the Rollout's reference is gone.
    /// </summary>
    public static JsonObject DeploymentReference(DeploymentView d, bool controller = true) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["name"] = d.Name,
        ["uid"] = d.Uid,
        ["controller"] = controller,
        ["blockOwnerDeletion"] = controller,
    };

    /// <summary>The references for a ReplicaSet the Rollout controls: the Rollout as controller, the Deployment as a plain owner.</summary>
    public static JsonObject[] RolloutOwners(JsonObject rolloutReference, DeploymentView d) => [rolloutReference, DeploymentReference(d, controller: false)];

    /// <summary>The ReplicaSet's ownerReferences with <paramref name="owners"/> in place of its current controller and of any earlier reference to the same objects (other owners kept).</summary>
    public static JsonArray WithOwners(OwnedReplicaSet rs, params JsonObject[] owners)
    {
        var uids = owners.Select(o => (string?)o["uid"]).ToHashSet(StringComparer.Ordinal);
        var others = rs.Object.Metadata?.OwnerReferences?
            .Where(o => o.Controller != true && !uids.Contains(o.Uid))
            .Select(o => System.Text.Json.JsonSerializer.SerializeToNode(o, InformerCodecs.KubeJson)) ?? [];
        return new JsonArray([.. others, .. owners.Select(o => o.DeepClone())]);
    }
}
