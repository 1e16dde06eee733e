using Canaria.Core.Engine;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Turns the engine's decision into pods per revision for a Deployment without a traffic router: traffic follows
/// ready pods (seed 004). While stable and canary both run, the paused Deployment controller holds their total at
/// replicas + maxSurge (it rescales proportionally otherwise), so the canary's pods come out of that budget:
/// stable = replicas + maxSurge − canary. The canary grows by at most maxSurge (at least 1) pods beyond its ready
/// ones, as a rolling update with maxUnavailable 0 would, so ready pods never drop below replicas on the way up.
/// A step at 100% traffic leaves stable at 0. With a traffic router (routed) the weights, not the pods, decide who
/// serves, so stable goes to 0 only once the router's applied split sends it nothing, and an aborted canary keeps its
/// pods until the applied split no longer routes to it.
/// </summary>
internal static class ReplicaPlan
{
    public static IReadOnlyDictionary<int, int> For(RolloutStatus status, IReadOnlyDictionary<int, int> engineReplicas, int replicas, int maxSurge,
        Observation observed, IReadOnlyDictionary<int, int>? previous = null, bool routed = false)
    {
        var stable = status.StableRevision!.Value;
        var plan = new Dictionary<int, int>();
        if (status.CanaryRevision is not { } c || c == stable || status.StepState == StepState.Aborted)
        {
            plan[stable] = replicas;
            return plan;
        }
        var target = Math.Min(engineReplicas.GetValueOrDefault(c), replicas);
        if (status.StepState == StepState.Aborting)
        {
            // Back to stable: the canary leaves only once stable has a ready pod again (never no endpoints).
            plan[stable] = replicas;
            plan[c] = observed.Ready(stable) > 0 && !(routed && observed.AppliedTraffic?.Routes(c) != false) ? 0 : target; // unknown split: keep
            return plan;
        }
        if ((routed ? observed.AppliedTraffic : status.Traffic) is { CanaryWeight: >= 100 } t && t.CanaryRevision == c)
        {
            plan[c] = replicas;
            plan[stable] = 0;
            return plan;
        }
        var grown = Math.Max(previous?.GetValueOrDefault(c) ?? 0, observed.Ready(c) + Math.Max(maxSurge, 1));
        var canary = Math.Min(target, grown);
        plan[c] = canary;
        plan[stable] = canary == 0 ? replicas : Math.Max(0, replicas + maxSurge - canary);
        return plan;
    }

    /// <summary>
    /// With a router the engine keeps a revision's pods while the applied split may still send to it and through its
    /// scale-down delay after completion; the surge-budget plan knows only stable and canary, so those are added back.
    /// Within <paramref name="settling"/> (the last plan, while the verified split changed less than scaleDownDelay ago)
    /// a revision is not removed yet: data planes apply a new split seconds after the API server has it.
    /// </summary>
    public static IReadOnlyDictionary<int, int> KeepRouted(IReadOnlyDictionary<int, int> plan, IReadOnlyDictionary<int, int> engineReplicas,
        IReadOnlyDictionary<int, int>? settling = null)
    {
        var kept = new Dictionary<int, int>(plan);
        foreach (var (revision, count) in engineReplicas)
        {
            if (count > 0 && !kept.ContainsKey(revision)) kept[revision] = count;
        }
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
