using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>The user's Deployment read for one reconcile: size, surge, template and its ReplicaSets (those it controls, and its Rollout's).</summary>
public sealed record DeploymentView
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    public required V1Deployment Object { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public required int Replicas { get; init; }

    /// <summary>maxSurge resolved against replicas (0 for Recreate): while two ReplicaSets run, the paused Deployment controller holds their total at Replicas + MaxSurge.</summary>
    public required int MaxSurge { get; init; }
    public required bool Paused { get; init; }

    /// <summary>Strategy Recreate: the paused Deployment controller then never rescales ReplicaSets proportionally.</summary>
    public required bool Recreate { get; init; }
    public required V1PodTemplateSpec Template { get; init; }
    public required string TemplateHash { get; init; }
    public required IReadOnlyList<OwnedReplicaSet> ReplicaSets { get; init; }

    /// <param name="rolloutUid">The Rollout whose ReplicaSets (those beside the Deployment's primary) count too.</param>
    public static DeploymentView Of(V1Deployment deployment, IEnumerable<V1ReplicaSet> replicaSets, string? rolloutUid = null)
    {
        var uid = deployment.Metadata?.Uid ?? "";
        var replicas = deployment.Spec?.Replicas ?? 1;
        var template = deployment.Spec?.Template ?? new V1PodTemplateSpec();
        var owned = replicaSets
            .Where(rs => OwnedReplicaSet.ControllerUidOf(rs) is { } controller && (controller == uid || controller == rolloutUid))
            .Select(rs => new OwnedReplicaSet(
                rs.Metadata.Name,
                PodTemplates.Hash(rs.Spec?.Template),
                rs.Spec?.Replicas ?? 1,
                rs.Status?.ReadyReplicas ?? 0,
                int.TryParse(rs.Metadata.Annotation(RevisionAnnotation), CultureInfo.InvariantCulture, out var r) ? r : 0,
                rs.Metadata.Created(),
                rs))
            .OrderBy(rs => rs.Created).ThenBy(rs => rs.Name, StringComparer.Ordinal)
            .ToList();
        var strategy = deployment.Spec?.Strategy;
        return new DeploymentView
        {
            Object = deployment,
            Name = deployment.Metadata?.Name ?? "",
            Uid = uid,
            Replicas = replicas,
            MaxSurge = ResolveSurge(strategy, replicas),
            Recreate = strategy?.Type == "Recreate",
            Paused = deployment.Spec?.Paused == true,
            Template = template,
            TemplateHash = PodTemplates.Hash(template),
            ReplicaSets = owned,
        };
    }

    /// <summary>The oldest ReplicaSet with this template (the one the Deployment controller treats as its own).</summary>
    public OwnedReplicaSet? ReplicaSetOf(string templateHash) => ReplicaSets.FirstOrDefault(rs => rs.TemplateHash == templateHash);

    private static int ResolveSurge(V1DeploymentStrategy? strategy, int replicas)
    {
        if (strategy?.Type == "Recreate") return 0;
        if (strategy?.RollingUpdate?.MaxSurge is not { } surge) return (int)Math.Ceiling(replicas * 0.25);
        var text = surge.Value ?? "25%";
        if (int.TryParse(text, CultureInfo.InvariantCulture, out var n)) return n;
        return int.TryParse(text.TrimEnd('%'), CultureInfo.InvariantCulture, out var pct) ? (int)Math.Ceiling(replicas * pct / 100.0) : 0;
    }

    internal static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
