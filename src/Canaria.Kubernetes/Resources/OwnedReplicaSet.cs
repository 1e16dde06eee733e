using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Resources;

/// <summary>One ReplicaSet owned by the Deployment, as far as Canaria needs it.</summary>
public sealed record OwnedReplicaSet(string Name, string TemplateHash, int Replicas, int ReadyReplicas, int KubeRevision, DateTimeOffset Created, JsonObject Object)
{
    /// <summary>The pod-template-hash its pods carry (the Deployment controller's own hash for ReplicaSets it made).</summary>
    public string PodHash => (string?)Object["spec"]?["selector"]?["matchLabels"]?[PodTemplates.HashLabel] ?? TemplateHash;
}
