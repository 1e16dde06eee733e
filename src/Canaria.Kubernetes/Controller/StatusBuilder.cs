using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Kubernetes.Controller.Conditions;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>Builds the Rollout's status: printer-column fields on top, the engine's state under status.canaria.</summary>
internal static class StatusBuilder
{
    /// <summary>A spec Canaria refuses: phase Invalid, every error in the message, and only the SpecValid condition (False).</summary>
    public static JsonObject Invalid(JsonObject rollout, string message, DateTimeOffset now)
    {
        var status = (rollout["status"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        status["observedGeneration"] = ObservedGeneration(rollout);
        status["phase"] = "Invalid";
        status["message"] = message;
        status["conditions"] = ConditionJson.Of(rollout["status"]?["conditions"], [RolloutConditions.Invalid(message)], now);
        return status;
    }

    /// <summary>A valid spec whose Deployment does not exist: the rest of the status stays as it was, WorkloadFound is False.</summary>
    public static JsonObject MissingDeployment(JsonObject rollout, string message, DateTimeOffset now)
    {
        var status = (rollout["status"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        status["observedGeneration"] = ObservedGeneration(rollout);
        status["phase"] = "Progressing";
        status["message"] = message;
        status["conditions"] = ConditionJson.Of(rollout["status"]?["conditions"],
            [RolloutConditions.SpecValid(), RolloutConditions.MissingDeployment(message)], now);
        return status;
    }

    public static JsonObject Of(JsonObject rollout, RolloutSpec spec, RolloutStatus s, StoredStatus stored, IReadOnlyDictionary<int, int> plan,
        DeploymentView d, int weight, IReadOnlyList<RolloutCondition> conditions, DateTimeOffset now)
    {
        var hashOf = stored.Revisions.ToDictionary(p => p.Value, p => p.Key);
        string? ReplicaSetName(int? revision) =>
            revision is { } r && hashOf.TryGetValue(r, out var h) ? d.ReplicaSetOf(h)?.Name ?? $"{d.Name}-{h}" : null;
        var pods = RevisionObservation.Of(d, stored);
        string? PodsOf(int? revision) => revision is { } r && pods.TryGetValue(r, out var o) ? ReadyOfDesired(o) : null;
        var releasing = s.CanaryRevision is not null && s.StepState is not (StepState.Completed or StepState.Aborted);
        var revisions = new JsonObject();
        foreach (var (hash, rev) in stored.Revisions.OrderBy(p => p.Value)) revisions[hash] = rev;
        var planNode = new JsonObject();
        foreach (var (rev, count) in plan.OrderBy(p => p.Key)) planNode[rev.ToString(CultureInfo.InvariantCulture)] = count;
        return new JsonObject
        {
            ["observedGeneration"] = ObservedGeneration(rollout),
            ["phase"] = s.Phase.ToString(),
            ["step"] = releasing ? StepPlan.Describe(spec, s.StepIndex) : "",
            ["weight"] = weight,
            ["message"] = s.Message,
            ["stableRevision"] = s.StableRevision,
            ["canaryRevision"] = releasing ? s.CanaryRevision : null,
            ["stablePods"] = PodsOf(s.StableRevision),
            ["canaryPods"] = releasing ? PodsOf(s.CanaryRevision) : null,
            ["stableReplicaSet"] = ReplicaSetName(s.StableRevision),
            ["canaryReplicaSet"] = releasing ? ReplicaSetName(s.CanaryRevision) : null,
            ["commandApplied"] = stored.CommandApplied,
            ["conditions"] = ConditionJson.Of(rollout["status"]?["conditions"], conditions, now),
            ["revisions"] = revisions,
            ["plan"] = planNode,
            ["canaria"] = JsonSerializer.SerializeToNode(s, CoreJson.Options),
        };
    }

    /// <summary>"ready/desired" pods of one revision, as `kubectl get` prints a Deployment's READY.</summary>
    public static string ReadyOfDesired(ReplicaObservation pods) =>
        $"{pods.Ready.ToString(CultureInfo.InvariantCulture)}/{pods.Desired.ToString(CultureInfo.InvariantCulture)}";

    private static long? ObservedGeneration(JsonObject rollout) => RolloutObject.Of(rollout).Metadata.Generation;

    /// <summary>True when the two statuses say the same (ignoring key order, nulls and empty strings).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => CanonicalJson.Of(CanonicalJson.Compact(a)) == CanonicalJson.Of(CanonicalJson.Compact(b));
}
