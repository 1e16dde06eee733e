using Canaria.Core.Engine;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Turns the engine's decision into pods per revision for a Deployment without a traffic router: traffic follows
/// ready pods (seed 004: 10 v1 + 1 v2). Stable keeps the Deployment's replicas for the whole canary and the canary's
/// pods come on top (the Rollout, not the Deployment, controls the canary's ReplicaSet, see
/// <see cref="ReplicaSetOwnership"/>); only a step at 100% traffic leaves stable at 0, once the canary runs at full size.
/// With a traffic router the engine's replicas are used as they are, and <see cref="KeepRouted"/> keeps the pods of a
/// revision the router may still send to.
/// </summary>
internal static class ReplicaPlan
{
    public static IReadOnlyDictionary<int, int> For(RolloutStatus status, IReadOnlyDictionary<int, int> engineReplicas, int replicas, Observation observed)
    {
        var stable = status.StableRevision!.Value;
        var plan = new Dictionary<int, int> { [stable] = replicas };
        if (status.CanaryRevision is not { } c || c == stable || status.StepState == StepState.Aborted) return plan;
        var target = Math.Min(engineReplicas.GetValueOrDefault(c), replicas);
        if (status.StepState == StepState.Aborting)
        {
            // Back to stable: the canary leaves only once stable has a ready pod again (never no endpoints).
            plan[c] = observed.Ready(stable) > 0 ? 0 : target;
            return plan;
        }
        if (status.Traffic is { CanaryWeight: >= 100 } t && t.CanaryRevision == c)
        {
            plan[c] = replicas;
            plan[stable] = 0;
            return plan;
        }
        plan[c] = target;
        return plan;
    }

    /// <summary>
    /// With a router the engine keeps a revision's pods while the applied split may still send to it and through its
    /// scale-down delay after completion (its replicas are the plan as they are).
    /// Within <paramref name="settling"/> (the last plan, while the verified split changed less than scaleDownDelay ago)
    /// a revision is not removed yet: data planes apply a new split seconds after the API server has it.
    /// </summary>
    public static IReadOnlyDictionary<int, int> KeepRouted(IReadOnlyDictionary<int, int> engineReplicas, IReadOnlyDictionary<int, int>? settling = null)
    {
        var kept = new Dictionary<int, int>(engineReplicas);
        foreach (var (revision, count) in settling ?? new Dictionary<int, int>())
        {
            if (count > 0 && kept.GetValueOrDefault(revision) == 0) kept[revision] = count;
        }
        return kept;
    }

    /// <summary>The canary's share of ready pods in percent (what a Service without a router really sends it).</summary>
    public static int ReadyShare(int readyCanary, int readyStable) =>
        readyCanary + readyStable == 0 ? 0 : (int)Math.Round(100.0 * readyCanary / (readyCanary + readyStable));
}
