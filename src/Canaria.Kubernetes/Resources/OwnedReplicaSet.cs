using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>One ReplicaSet of the Deployment (controlled by the Deployment, or by the Rollout while it runs beside the primary), as far as Canaria needs it.</summary>
public sealed record OwnedReplicaSet(string Name, string TemplateHash, int Replicas, int ReadyReplicas, int KubeRevision, DateTimeOffset Created, V1ReplicaSet Object)
{
    /// <summary>The pod-template-hash its pods carry (the Deployment controller's own hash for ReplicaSets it made).</summary>
    public string PodHash => Object.Spec?.Selector?.MatchLabels?.TryGetValue(PodTemplates.HashLabel, out var hash) == true ? hash : TemplateHash;

    /// <summary>The uid of its controller: the Deployment's, or the Rollout's.</summary>
    public string? ControllerUid => ControllerUidOf(Object);

    /// <summary>Pods ready for minReadySeconds (what the Deployment controller counts as available).</summary>
    public int AvailableReplicas => Object.Status?.AvailableReplicas ?? 0;

    internal static string? ControllerUidOf(V1ReplicaSet rs) => ControllerOf(rs.Metadata)?.Uid;

    /// <summary>The owner reference marked as controller, if any.</summary>
    internal static V1OwnerReference? ControllerOf(V1ObjectMeta? meta) => meta?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
}
