using System.Globalization;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Resources;

/// <summary>The user's Deployment read for one reconcile: size, surge, template and its ReplicaSets (those it controls, and its Rollout's).</summary>
public sealed record DeploymentView
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    public required JsonObject Object { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public required int Replicas { get; init; }

    /// <summary>maxSurge resolved against replicas (0 for Recreate): while two ReplicaSets run, the paused Deployment controller holds their total at Replicas + MaxSurge.</summary>
    public required int MaxSurge { get; init; }
    public required bool Paused { get; init; }

    /// <summary>Strategy Recreate: the paused Deployment controller then never rescales ReplicaSets proportionally.</summary>
    public required bool Recreate { get; init; }
    public required JsonObject Template { get; init; }
    public required string TemplateHash { get; init; }
    public required IReadOnlyList<OwnedReplicaSet> ReplicaSets { get; init; }

    /// <param name="rolloutUid">The Rollout whose ReplicaSets (those beside the Deployment's primary) count too.</param>
    public static DeploymentView Of(JsonObject deployment, IEnumerable<JsonObject> replicaSets, string? rolloutUid = null)
    {
        var uid = (string?)deployment["metadata"]?["uid"] ?? "";
        var replicas = Int(deployment["spec"]?["replicas"]) ?? 1;
        var template = deployment["spec"]?["template"] as JsonObject ?? [];
        var owned = replicaSets
            .Where(rs => OwnedReplicaSet.ControllerUidOf(rs) is { } controller && (controller == uid || controller == rolloutUid))
            .Select(rs => new OwnedReplicaSet(
                (string)rs["metadata"]!["name"]!,
                PodTemplates.Hash(rs["spec"]?["template"]),
                Int(rs["spec"]?["replicas"]) ?? 1,
                Int(rs["status"]?["readyReplicas"]) ?? 0,
                int.TryParse((string?)rs["metadata"]?["annotations"]?[RevisionAnnotation], CultureInfo.InvariantCulture, out var r) ? r : 0,
                DateTimeOffset.TryParse((string?)rs["metadata"]?["creationTimestamp"], CultureInfo.InvariantCulture, out var c) ? c : DateTimeOffset.MinValue,
                rs))
            .OrderBy(rs => rs.Created).ThenBy(rs => rs.Name, StringComparer.Ordinal)
            .ToList();
        return new DeploymentView
        {
            Object = deployment,
            Name = (string)deployment["metadata"]!["name"]!,
            Uid = uid,
            Replicas = replicas,
            MaxSurge = ResolveSurge(deployment["spec"]?["strategy"], replicas),
            Recreate = (string?)deployment["spec"]?["strategy"]?["type"] == "Recreate",
            Paused = deployment["spec"]?["paused"] is JsonValue p && p.TryGetValue<bool>(out var paused) && paused,
            Template = template,
            TemplateHash = PodTemplates.Hash(template),
            ReplicaSets = owned,
        };
    }

    /// <summary>The oldest ReplicaSet with this template (the one the Deployment controller treats as its own).</summary>
    public OwnedReplicaSet? ReplicaSetOf(string templateHash) => ReplicaSets.FirstOrDefault(rs => rs.TemplateHash == templateHash);

    private static int ResolveSurge(JsonNode? strategy, int replicas)
    {
        if ((string?)strategy?["type"] == "Recreate") return 0;
        var surge = strategy?["rollingUpdate"]?["maxSurge"];
        if (surge is null) return (int)Math.Ceiling(replicas * 0.25);
        if (Int(surge) is { } n) return n;
        var text = (string?)surge ?? "25%";
        return int.TryParse(text.TrimEnd('%'), CultureInfo.InvariantCulture, out var pct) ? (int)Math.Ceiling(replicas * pct / 100.0) : 0;
    }

    internal static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
