using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// A Rollout whose Deployment was deleted: the garbage collector keeps the ReplicaSets the Rollout controls (a canary, a
/// green, an old stable in its scale-down delay), since the Rollout still owns them, and their pods would run for ever
/// beside nothing. They are scaled to 0 (kept, as the Rollout's history; deleting the Rollout removes them). Only those
/// whose Deployment is gone: a ReplicaSet still naming another Deployment (workloadRef edited to a wrong name) is left alone.
/// </summary>
internal static class DeploymentGone
{
    /// <summary>Scales the Rollout's ReplicaSets of the missing Deployment to 0; returns their names, or an error to retry on.</summary>
    public static async Task<(IReadOnlyList<string> ScaledDown, string? Error)> ScaleDownAsync(KubeClient client, string ns, string deployment, string rolloutUid,
        IEnumerable<V1ReplicaSet> replicaSets, CancellationToken cancellationToken)
    {
        var scaled = new List<string>();
        foreach (var rs in replicaSets.Where(rs => OwnedReplicaSet.ControllerUidOf(rs) == rolloutUid && rs.Spec?.Replicas != 0 && OfGone(rs, deployment)))
        {
            var name = rs.Metadata.Name;
            var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 0 } };
            var patched = await client.PatchAsync(KubeResource.ReplicaSets, ns, name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!patched.IsSuccess && !patched.Error!.IsNotFound) return (scaled, $"scaling ReplicaSet {name} of the deleted Deployment {deployment} to 0 failed: {patched.Error}");
            if (patched.IsSuccess) scaled.Add(name);
        }
        return (scaled, null);
    }

    /// <summary>The ReplicaSet's Deployment reference names the missing Deployment, or the garbage collector already removed it.</summary>
    private static bool OfGone(V1ReplicaSet rs, string deployment)
    {
        var deployments = rs.Metadata.OwnerReferences?.Where(o => o.Kind == "Deployment").ToList() ?? [];
        return deployments.Count == 0 || deployments.Any(o => o.Name == deployment);
    }
}
