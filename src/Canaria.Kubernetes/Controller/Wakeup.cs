using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// When a rollout must be looked at again although nothing it watches changes: the engine's time-based waits only.
/// A step waiting for pods, for the router or for a human needs no timer (the ReplicaSet, Service or Rollout event
/// wakes it); a timed pause needs one at its end, a step that may miss its progress deadline one at the deadline, a
/// revision kept for its scale-down delay one when the delay ends, and a routed revision kept while proxies settle one
/// when that ends. Whatever comes first, capped at the slow resync.
/// </summary>
internal static class Wakeup
{
    /// <summary>A little after the moment itself: the engine compares strictly (now past the deadline).</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(20);

    public static TimeSpan After(RolloutSpec spec, RolloutStatus s, DateTimeOffset now, TimeSpan resync, DateTimeOffset? settledAt = null)
    {
        var due = now + resync;
        void At(DateTimeOffset t)
        {
            if (t < due) due = t;
        }
        if (s.CanaryRevision is not null && s.StepState is not (StepState.Completed or StepState.Aborted or StepState.Aborting) && !s.Paused)
        {
            if (s.StepState is StepState.Upgrading or StepState.RoutingTraffic or StepState.Analyzing) At(s.StepStartedAt + spec.ProgressDeadline + Margin);
            if (s.StepState == StepState.Paused && StepPlan.At(spec, s.StepIndex).Pause?.Duration is { } pause) At(s.StateSince + pause + Margin);
        }
        foreach (var d in s.ScaleDowns) At(d.NotBefore + Margin);
        if (settledAt is { } settled && settled > now) At(settled + Margin);
        return due <= now ? TimeSpan.Zero : due - now;
    }
}
