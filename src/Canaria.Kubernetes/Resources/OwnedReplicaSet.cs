using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Resources;

/// <summary>One ReplicaSet of the Deployment (controlled by the Deployment, or by the Rollout while it runs beside the primary), as far as Canaria needs it.</summary>
public sealed record OwnedReplicaSet(string Name, string TemplateHash, int Replicas, int ReadyReplicas, int KubeRevision, DateTimeOffset Created, JsonObject Object)
{
    /// <summary>The pod-template-hash its pods carry (the Deployment controller's own hash for ReplicaSets it made).</summary>
    public string PodHash => (string?)Object["spec"]?["selector"]?["matchLabels"]?[PodTemplates.HashLabel] ?? TemplateHash;

    /// <summary>The uid of its controller: the Deployment's, or the Rollout's.</summary>
    public string? ControllerUid => ControllerUidOf(Object);

    /// <summary>Pods ready for minReadySeconds (what the Deployment controller counts as available).</summary>
    public int AvailableReplicas => DeploymentView.Int(Object["status"]?["availableReplicas"]) ?? 0;

    internal static string? ControllerUidOf(JsonObject obj) =>
        (string?)(obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(o => o["controller"] is JsonValue c && c.TryGetValue<bool>(out var controller) && controller)?["uid"];
}
