using Canaria.Core.Serialization;

namespace Canaria.Core.Engine;

/// <summary>The one line that says what the rollout waits for, shown by `canaria get` and kept in status.</summary>
internal static class StatusMessages
{
    public static string Describe(EngineContext ctx, RolloutStatus s)
    {
        var obs = ctx.Observation;
        var stable = s.StableRevision!.Value;
        if (s.CanaryRevision is not { } canary || s.StepState == StepState.Completed)
        {
            var ready = obs.Ready(stable);
            return ready >= ctx.Spec.Replicas
                ? $"stable revision {stable} serves all traffic ({ready}/{ctx.Spec.Replicas} ready)"
                : $"stable revision {stable}: waiting for replicas ({ready}/{ctx.Spec.Replicas} ready)";
        }

        var where = ctx.Describe(s.StepIndex);
        var step = StepPlan.At(ctx.Spec, s.StepIndex);
        var wait = s.StepState switch
        {
            StepState.Aborting => s.Message.StartsWith("aborting:", StringComparison.Ordinal) ? s.Message : $"aborting: {s.AbortReason}",
            StepState.Aborted => $"aborted: {s.AbortReason}; stable revision {stable} serves all traffic ({ctx.Voice.Command("retry")} releases revision {canary} again)",
            StepState.Upgrading => $"{where}: waiting for canary replicas ({obs.Ready(canary)}/{step.CanaryReplicas} ready)",
            StepState.RoutingTraffic when Gates.Missing(ctx, s) is { Count: > 0 } gates => $"{where}: waiting for gate webhook(s) {string.Join(", ", gates.Select(g => g.Webhook))}{(s.GateMessage is null ? "" : $" ({s.GateMessage})")}",
            StepState.RoutingTraffic when ctx.Voice.ReplicaRatio => $"{where}: waiting for the pods planned for this step; {ctx.Share(step, canary)}",
            StepState.RoutingTraffic => $"{where}: routing {step.TrafficText} to revision {canary}",
            StepState.Analyzing => $"{where}: {ctx.Share(step, canary)}, analyzing ({Passes(ctx, s)})",
            StepState.Paused when step.Pause?.Duration is { } d => $"{where}: {ctx.Share(step, canary)}, pausing {Durations.Format(Remaining(ctx, s, d))} more",
            StepState.Paused => $"{where}: {ctx.Share(step, canary)}, waiting for {ctx.Voice.Command("promote")}",
            _ => $"{where}: {ctx.Share(step, canary)}",
        };
        return s.Paused && s.StepState is not (StepState.Aborting or StepState.Aborted) ? $"paused ({s.PauseReason}); {wait}" : wait;
    }

    private static string Passes(EngineContext ctx, RolloutStatus s) =>
        string.Join(", ", s.Checks.Select(c => $"{c.Name} {Math.Min(c.StepPasses, ctx.Spec.Analysis!.StepPasses)}/{ctx.Spec.Analysis.StepPasses} passes"));

    private static TimeSpan Remaining(EngineContext ctx, RolloutStatus s, TimeSpan duration)
    {
        var left = s.StateSince + duration - ctx.Now;
        return left < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling(left.TotalSeconds));
    }
}
