using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>What the Kubernetes drivers of one reconcile share: the Rollout as read, its valid spec, its Deployment and stored status.</summary>
internal sealed class KubeRelease(KubeClient client, JsonObject rollout, string ns, string name, RolloutSpec spec, DeploymentView deployment,
    StoredStatus stored, DateTimeOffset now)
{
    private readonly Dictionary<int, string> _hashOf = stored.Revisions.ToDictionary(p => p.Value, p => p.Key);

    public KubeClient Client { get; } = client;
    public JsonObject Rollout { get; } = rollout;
    public string Namespace { get; } = ns;
    public string Name { get; } = name;
    public RolloutSpec Spec { get; } = spec;
    public DeploymentView Deployment { get; } = deployment;
    public StoredStatus Stored { get; } = stored;
    public DateTimeOffset Now { get; } = now;

    /// <summary>The template hash of each revision number.</summary>
    public IReadOnlyDictionary<int, string> HashOf => _hashOf;

    /// <summary>The pod-template-hash label of a revision's pods (what Services select), or null for an unknown revision.</summary>
    public string? PodHashOf(int revision) => _hashOf.TryGetValue(revision, out var h) ? Deployment.ReplicaSetOf(h)?.PodHash ?? h : null;
}
