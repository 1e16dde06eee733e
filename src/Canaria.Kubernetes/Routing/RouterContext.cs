using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>Where a router works: the API client, the Rollout's namespace, and the Rollout (owner of what Canaria creates).</summary>
internal sealed record RouterContext(KubeClient Client, string Namespace, JsonObject Rollout)
{
    /// <summary>Label on every object Canaria creates for a Rollout.</summary>
    public const string RolloutLabel = RolloutResource.RolloutLabel;

    /// <summary>Annotation on a user's object holding, as JSON, the parts Canaria changed as they were before; written in the same update as the change.</summary>
    public const string OriginalAnnotation = "canaria.dev/original";

    public const string FieldManager = "canaria";

    /// <summary>
    /// The split being applied is the one every router verified last time: an object that no longer carries it was edited
    /// by someone else (drift), which the router reports while writing Canaria's split back.
    /// </summary>
    public bool Holding { get; init; }

    public string RolloutName => (string)Rollout["metadata"]!["name"]!;

    /// <summary>ownerReferences making an object Canaria creates belong to the Rollout (garbage-collected with it).</summary>
    public JsonArray OwnerReferences() => RolloutResource.OwnerReferences(Rollout);
}
