using Canaria.Core.Serialization;

namespace Canaria.Core.Engine;

/// <summary>One transition of the current step, following the ordering rules (replicas before traffic, traffic before scale-down).</summary>
internal static class StepMachine
{
    public static RolloutStatus Advance(EngineContext ctx, RolloutStatus s)
    {
        if (s.CanaryRevision is null || s.StepState is StepState.Completed or StepState.Aborted) return s;
        if (s.StepState == StepState.Aborting) return Aborting(ctx, s);
        if (DeadlinePassed(ctx, s) is { } late) return Transitions.Abort(ctx, s, late);
        if (s.Paused) return s; // a human or inconclusive analysis holds everything but aborts

        var step = StepPlan.At(ctx.Spec, s.StepIndex);
        var obs = ctx.Observation;
        switch (s.StepState)
        {
            case StepState.Upgrading:
                return obs.Ready(s.CanaryRevision) >= step.CanaryReplicas
                    ? Transitions.Move(ctx, s, StepState.RoutingTraffic)
                    : s;

            case StepState.RoutingTraffic:
                var target = new TrafficTarget
                {
                    StableRevision = s.StableRevision!.Value,
                    CanaryRevision = s.CanaryRevision,
                    CanaryWeight = step.Traffic,
                    Weights = step.Weights,
                    ReplicaRatio = step.ReplicaRatio,
                    Matches = step.Matches,
                    MirrorPercent = step.Mirror,
                };
                // The router may make the target live before the next reconcile sees it (or after an abort or a jump
                // decided meanwhile), so the canary must already be kept at the size this traffic needs.
                if (Gates.Missing(ctx, s).Count > 0) return s; // a webhook gate holds this step's traffic
                if (!target.SameAs(obs.AppliedTraffic))
                    return s.Traffic is { } t && t.SameAs(target) ? s : s with { Traffic = target, CanaryScale = Math.Max(s.CanaryScale, step.CanaryReplicas) };
                ctx.Normal("TrafficShifted", ctx.Voice.ConfirmedBy is { } confirmer
                    ? $"{ctx.Describe(step.Index)}: {step.TrafficText} to revision {s.CanaryRevision}{(step.Matches.Count > 0 ? $" plus {step.Matches.Count} test-user match(es)" : "")}{(step.Mirror > 0 ? $", {step.Mirror}% of stable's requests mirrored" : "")}, confirmed by {confirmer}"
                    : $"{ctx.Describe(step.Index)}: the planned pods are ready; {ctx.Share(step, s.CanaryRevision!.Value)}");
                var routed = AnalysisFold.ResetStepPasses(s) with { Traffic = target, TrafficAppliedAt = ctx.Now, CanaryScale = step.CanaryReplicas };
                var analyze = ctx.Spec.Analysis is { StepPasses: > 0 } && target.CanaryExposed && !step.IsFinal;
                return Transitions.Move(ctx, routed, analyze ? StepState.Analyzing : step.Pause is null ? StepState.Ready : StepState.Paused);

            case StepState.Analyzing:
                if (!s.PromoteRequested && !AnalysisFold.StepPassed(ctx, s)) return s;
                return Transitions.Move(ctx, s, step.Pause is null || s.PromoteRequested ? StepState.Ready : StepState.Paused);

            case StepState.Paused:
                var waited = step.Pause?.Duration is { } d && ctx.Now >= s.StateSince + d;
                if (!waited && !s.PromoteRequested && step.Pause is not null) return s;
                if (s.PromoteRequested) ctx.Normal("Promoted", $"{ctx.Describe(step.Index)} promoted by a human");
                return Transitions.Move(ctx, s, StepState.Ready);

            case StepState.Ready:
                if (step.IsFinal) return Transitions.Complete(ctx, s);
                var next = step.Index + 1;
                ctx.Normal("StepStarted", $"{ctx.Describe(next)} begins");
                return Transitions.EnterStep(ctx, s, next);

            default:
                return s;
        }
    }

    private static RolloutStatus Aborting(EngineContext ctx, RolloutStatus s)
    {
        var stable = s.StableRevision!.Value;
        var target = TrafficTarget.AllStable(stable) with { CanaryRevision = s.CanaryRevision };
        if (!target.SameAs(ctx.Observation.AppliedTraffic))
        {
            // Never point traffic at nothing: wait for one ready stable replica (a small stable beats a bad canary).
            if (ctx.Observation.Ready(stable) == 0)
                return s with { Message = $"aborting: waiting for a ready replica of stable revision {stable} before moving traffic back" };
            return s with { Traffic = target };
        }

        ctx.Warning(s.Cancelled ? "Cancelled" : "Aborted", $"all traffic is back on stable revision {stable}; revision {s.CanaryRevision} scales down ({s.AbortReason})");
        return Transitions.Move(ctx, s, StepState.Aborted) with
        {
            Traffic = TrafficTarget.AllStable(stable),
            CanaryScale = 0,
            CanaryRevision = s.Cancelled ? null : s.CanaryRevision,
            Paused = false,
            PausedAt = null,
            PauseReason = null,
        };
    }

    private static string? DeadlinePassed(EngineContext ctx, RolloutStatus s)
    {
        if (s.Paused || s.StepState is not (StepState.Upgrading or StepState.RoutingTraffic or StepState.Analyzing)) return null;
        if (Gates.Missing(ctx, s).Count > 0) return null; // a gate that holds is a decision by someone, like a human's pause
        if (ctx.Now - s.StepStartedAt <= ctx.Spec.ProgressDeadline) return null;
        var waitingFor = s.StepState switch
        {
            StepState.Upgrading => $"canary has {ctx.Observation.Ready(s.CanaryRevision)}/{StepPlan.At(ctx.Spec, s.StepIndex).CanaryReplicas} ready replicas",
            StepState.RoutingTraffic => "the router did not confirm the traffic split",
            _ => "analysis did not pass",
        };
        return $"{ctx.Describe(s.StepIndex)} did not finish within the progress deadline of {Durations.Format(ctx.Spec.ProgressDeadline)}: {waitingFor}";
    }
}
