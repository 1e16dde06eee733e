using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Cli.Cluster;

/// <summary>A Rollout read from the cluster with its Deployment's ReplicaSets: what get, status, history and undo look at.</summary>
internal sealed record ClusterRolloutView
{
    public required JsonObject Rollout { get; init; }
    public required string Name { get; init; }
    public string? DeploymentName { get; init; }

    /// <summary>The Deployment and the ReplicaSets it controls; null when the Deployment does not exist (yet).</summary>
    public DeploymentView? Deployment { get; init; }

    public JsonObject? Status => Rollout["status"] as JsonObject;

    public int? StableRevision => Int(Status?["stableRevision"]);

    public int? CanaryRevision => Int(Status?["canaryRevision"]);

    /// <summary>status.revisions: Canaria's revision number per template hash.</summary>
    public IReadOnlyDictionary<string, int> Revisions =>
        (Status?["revisions"] as JsonObject)?.Where(p => Int(p.Value) is not null).ToDictionary(p => p.Key, p => Int(p.Value)!.Value, StringComparer.Ordinal)
        ?? new Dictionary<string, int>();

    public static async Task<(ClusterRolloutView? View, KubeStatus? Error, string Resource)> LoadAsync(ClusterSession session, string name, CancellationToken ct)
    {
        var got = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
        if (!got.IsSuccess) return (null, got.Error, "rollouts.canaria.dev");
        return await WithDeploymentAsync(session, got.Value!, ct).ConfigureAwait(false);
    }

    public static async Task<(ClusterRolloutView? View, KubeStatus? Error, string Resource)> WithDeploymentAsync(ClusterSession session, JsonObject rollout, CancellationToken ct)
    {
        var name = RolloutObject.Of(rollout).Name;
        var deploymentName = (string?)rollout["spec"]?["workloadRef"]?["name"];
        var view = new ClusterRolloutView { Rollout = rollout, Name = name, DeploymentName = deploymentName };
        if (deploymentName is null) return (view, null, "");
        var d = await session.Client.GetAsync<V1Deployment>(KubeResource.Deployments, session.Namespace, deploymentName, ct).ConfigureAwait(false);
        if (d.Error is { IsNotFound: true }) return (view, null, "");
        if (!d.IsSuccess) return (null, d.Error, "deployments.apps");
        var sets = await session.Client.ListAllAsync<V1ReplicaSet>(KubeResource.ReplicaSets, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
        if (!sets.IsSuccess) return (null, sets.Error, "replicasets.apps");
        return (view with { Deployment = DeploymentView.Of(d.Value!, sets.Value!, RolloutObject.Of(rollout).Uid) }, null, "");
    }

    /// <summary>The Deployment's ReplicaSets, oldest first, with Canaria's revision and role.</summary>
    public IReadOnlyList<ReplicaSetRow> ReplicaSets()
    {
        if (Deployment is null) return [];
        var revisions = Revisions;
        return Deployment.ReplicaSets.Select(rs =>
        {
            int? revision = revisions.TryGetValue(rs.TemplateHash, out var r) ? r : null;
            var role = revision is null ? "" : revision == CanaryRevision ? "canary" : revision == StableRevision ? "stable" : "";
            return new ReplicaSetRow(rs.Name, revision, role, rs.TemplateHash, rs.PodHash, Images(rs.Object.Spec?.Template), rs.Replicas, rs.ReadyReplicas, rs.Created);
        }).ToList();
    }

    /// <summary>The JSON of `get NAME -o json` and `status -o json`: the printed fields, the ReplicaSets, and the Rollout object itself.</summary>
    public JsonObject ToJson()
    {
        var status = Status;
        var sets = new JsonArray();
        foreach (var rs in ReplicaSets())
        {
            sets.Add(rs.ToJson());
        }
        return new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = RolloutObject.Of(Rollout).Namespace,
            ["phase"] = (string?)status?["phase"],
            ["step"] = (string?)status?["step"],
            ["weight"] = Int(status?["weight"]),
            ["weights"] = status?["trafficRouting"]?["applied"]?["weights"]?.DeepClone(),
            ["message"] = (string?)status?["message"],
            ["stableRevision"] = StableRevision,
            ["canaryRevision"] = CanaryRevision,
            ["stableReplicaSet"] = (string?)status?["stableReplicaSet"],
            ["canaryReplicaSet"] = (string?)status?["canaryReplicaSet"],
            ["stablePods"] = (string?)status?["stablePods"],
            ["canaryPods"] = (string?)status?["canaryPods"],
            ["commandApplied"] = (string?)status?["commandApplied"],
            ["conditions"] = status?["conditions"]?.DeepClone(),
            ["trafficRouting"] = status?["trafficRouting"]?.DeepClone(),
            ["revisions"] = status?["revisions"]?.DeepClone(),
            ["replicaSets"] = sets,
            ["rollout"] = Rollout.DeepClone(),
        };
    }

    public static string Images(V1PodTemplateSpec? template) =>
        string.Join(",", template?.Spec?.Containers?.Select(c => c.Image ?? "?") ?? []);

    /// <summary>
    /// The canary's share as status reports it: "10%", "250/750 (75%)" when the routers carry written weights, or "33% (replica
    /// ratio)" without a router, where the share is the canary's part of the ready pods, not a weight anyone applied.
    /// </summary>
    public static string WeightText(JsonNode? status)
    {
        var percent = Int(status?["weight"]) ?? 0;
        var ratio = (status?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "TrafficRouted" && (string?)c["reason"] == "ReplicaRatio") == true;
        return status?["trafficRouting"]?["applied"]?["weights"] is JsonObject w && Int(w["stable"]) is { } s && Int(w["canary"]) is { } c
            ? new Core.Model.SplitWeights(s, c).ToString()
            : ratio ? $"{percent}% (replica ratio)" : $"{percent}%";
    }

    /// <summary>The status's conditions that need a human (status not True: every condition type Canaria writes is normal-true), in order.</summary>
    public static IEnumerable<JsonObject> NeedingAttention(JsonNode? status) =>
        (status?["conditions"] as JsonArray)?.OfType<JsonObject>().Where(c => (string?)c["status"] is not "True") ?? [];

    public static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
