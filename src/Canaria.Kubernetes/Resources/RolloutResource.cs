using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Resources;

public static class RolloutResource
{
    public static readonly KubeResource Rollouts = new("canaria.dev", "v1alpha1", "rollouts", "Rollout");

    /// <summary>Label on every object Canaria creates for a Rollout (its canary Service, routers' own objects).</summary>
    public const string RolloutLabel = "canaria.dev/rollout";

    /// <summary>ownerReferences making an object belong to the Rollout (garbage-collected with it).</summary>
    public static JsonArray OwnerReferences(JsonObject rollout) => new(new JsonObject
    {
        ["apiVersion"] = Rollouts.ApiVersion,
        ["kind"] = Rollouts.Kind,
        ["name"] = (string?)rollout["metadata"]?["name"],
        ["uid"] = (string?)rollout["metadata"]?["uid"],
        ["controller"] = true,
    });
}
