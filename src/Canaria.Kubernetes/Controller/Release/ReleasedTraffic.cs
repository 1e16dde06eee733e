using Canaria.Core.Engine;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>What every Kubernetes traffic driver asks of a decided status: which revision is the canary, and whether it is at rest.</summary>
internal static class ReleasedTraffic
{
    /// <summary>The canary revision of a status (null when none, or it is the stable one).</summary>
    public static int? Canary(RolloutStatus s) => s.CanaryRevision is { } c && c != s.StableRevision ? c : null;

    /// <summary>Done and applied as decided, with nothing left to scale down: only a change or the slow resync matters.</summary>
    public static bool AtRest(RolloutStatus s, Observation observation) =>
        s.StepState is StepState.Completed or StepState.Aborted && observation.AppliedTraffic?.SameAs(s.Traffic) == true && s.ScaleDowns.Count == 0;
}
