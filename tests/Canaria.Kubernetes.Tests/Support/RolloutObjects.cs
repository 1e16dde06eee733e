using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Builders for Rollouts and the Deployments they release.</summary>
internal static class RolloutObjects
{
    public static JsonObject Rollout(string name, string? deployment, params JsonObject[] steps)
    {
        var spec = new JsonObject { ["strategy"] = new JsonObject { ["canary"] = new JsonObject { ["steps"] = new JsonArray(steps) } } };
        if (deployment is not null)
            spec["workloadRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment };
        return new JsonObject
        {
            ["apiVersion"] = "canaria.dev/v1alpha1",
            ["kind"] = "Rollout",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
    }

    /// <summary>A Deployment of one container "app" with the given image tag; maxSurge null keeps the default (25%).</summary>
    public static JsonObject Deployment(string name, int replicas, string image, int? maxSurge = null)
    {
        var d = Objects.Deployment(name, replicas, name);
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image;
        if (maxSurge is { } surge)
        {
            d["spec"]!["strategy"] = new JsonObject
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new JsonObject { ["maxSurge"] = surge, ["maxUnavailable"] = 0 },
            };
        }
        return d;
    }

    /// <summary>What `kubectl set image deployment/NAME app=IMAGE` sends: a strategic merge patch of the template.</summary>
    public static JsonObject SetImage(string image) => new()
    {
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
            },
        },
    };
}
