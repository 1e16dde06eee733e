using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>
/// The pure heart of Canaria: given the spec, the stored status, what the drivers observe and the time,
/// decide the next status, the replicas per revision and the traffic split. No I/O, no clock of its own.
/// </summary>
internal static class RolloutEngine
{
    private const int MaxTransitionsPerReconcile = 16;

    public static Decision Reconcile(RolloutSpec spec, RolloutStatus? status, Observation observation, DateTimeOffset now, MessageVoice? voice = null)
    {
        var ctx = new EngineContext(spec, observation, now, voice);
        var s = status ?? new RolloutStatus();

        if (s.StableRevision is null)
        {
            ctx.Normal("Deploying", $"revision {observation.SpecRevision} is the first and becomes stable directly ({spec.Replicas} replicas)");
            s = s with
            {
                StableRevision = observation.SpecRevision,
                StepState = StepState.Completed,
                StateSince = now,
                Traffic = TrafficTarget.AllStable(observation.SpecRevision),
            };
        }

        s = FollowSpecRevision(ctx, s);
        s = AnalysisFold.Apply(ctx, s);
        s = Gates.Fold(ctx, s);
        for (var i = 0; i < MaxTransitionsPerReconcile; i++)
        {
            var next = StepMachine.Advance(ctx, s);
            var moved = next.StepState != s.StepState || next.StepIndex != s.StepIndex;
            s = next;
            if (!moved) break;
        }

        var replicas = DesiredReplicas(ctx, s, out var scaleDowns);
        s = s with { ScaleDowns = scaleDowns };
        s = s with { Phase = PhaseOf(ctx, s) };
        s = s with { Message = StatusMessages.Describe(ctx, s) };
        return new Decision
        {
            Status = s,
            Replicas = replicas,
            Traffic = s.Traffic ?? TrafficTarget.AllStable(s.StableRevision!.Value),
            Analysis = AnalysisWindowOf(ctx, s),
            Events = ctx.Events,
            Gates = Gates.Missing(ctx, s),
        };
    }

    private static RolloutStatus FollowSpecRevision(EngineContext ctx, RolloutStatus s)
    {
        var wanted = ctx.Observation.SpecRevision;
        if (wanted == s.CanaryRevision) return s;
        if (wanted == s.StableRevision)
        {
            if (s.CanaryRevision is null) return s;
            if (s.StepState == StepState.Aborted)
            {
                ctx.Normal("ReleaseDropped", $"the spec is back at stable revision {wanted}; aborted revision {s.CanaryRevision} is forgotten");
                return s with { CanaryRevision = null, StepState = StepState.Completed, AbortReason = null };
            }
            return Transitions.Abort(ctx, s, $"the spec was reverted to stable revision {wanted}", cancelled: true);
        }
        return Transitions.StartRelease(ctx, s, wanted);
    }

    private static Dictionary<int, int> DesiredReplicas(EngineContext ctx, RolloutStatus s, out IReadOnlyList<PendingScaleDown> scaleDowns)
    {
        var replicas = new Dictionary<int, int> { [s.StableRevision!.Value] = ctx.Spec.Replicas };
        if (s.CanaryRevision is { } canary && s.StepState != StepState.Aborted)
        {
            var step = StepPlan.At(ctx.Spec, s.StepIndex);
            // Once the step's traffic is live, the canary is the step's share of the current total: when an autoscaler
            // changes replicas mid-step, stable and canary both follow it, at the same step.
            replicas[canary] = s.StepState switch
            {
                StepState.Upgrading or StepState.RoutingTraffic => Math.Max(step.CanaryReplicas, s.CanaryScale),
                StepState.Analyzing or StepState.Paused or StepState.Ready => step.CanaryReplicas,
                _ => s.CanaryScale, // aborting: what the traffic still on the canary relies on
            };
        }

        var applied = ctx.Observation.AppliedTraffic;
        var kept = new List<PendingScaleDown>();
        foreach (var d in s.ScaleDowns)
        {
            if (replicas.ContainsKey(d.Revision)) continue;
            var stillRouted = applied?.Routes(d.Revision) ?? true; // unknown (e.g. router just restarted): keep
            if (ctx.Now < d.NotBefore || stillRouted)
            {
                kept.Add(d);
                replicas[d.Revision] = d.Replicas;
            }
            else
            {
                ctx.Normal("ScaledDown", $"revision {d.Revision} has no traffic and its scale-down delay passed; removing its replicas");
            }
        }
        scaleDowns = kept;
        return replicas;
    }

    private static RolloutPhase PhaseOf(EngineContext ctx, RolloutStatus s) => s.StepState switch
    {
        StepState.Aborted => s.Cancelled ? RolloutPhase.Healthy : RolloutPhase.Aborted,
        StepState.Completed => ctx.Observation.Ready(s.StableRevision) >= ctx.Spec.Replicas ? RolloutPhase.Healthy : RolloutPhase.Progressing,
        StepState.Aborting => RolloutPhase.Progressing,
        _ when s.Paused => RolloutPhase.Paused,
        StepState.Paused when StepPlan.At(ctx.Spec, s.StepIndex).Pause is { Duration: null } => RolloutPhase.Paused,
        _ => RolloutPhase.Progressing,
    };

    private static AnalysisWindow? AnalysisWindowOf(EngineContext ctx, RolloutStatus s)
    {
        if (ctx.Spec.Analysis is null || s.CanaryRevision is not { } canary) return null;

        // Between steps (scaling up for the next one, or a gate holding it) the previous step's traffic stays live:
        // keep judging it, so a canary that turns bad while a gate holds is still aborted.
        if (s.TrafficAppliedAt is null && s.StepState is StepState.Upgrading or StepState.RoutingTraffic
            && ctx.Observation.AppliedTraffic is { CanaryExposed: true } live && live.CanaryRevision == canary)
            return new AnalysisWindow(canary, s.StableRevision!.Value, s.StepIndex, s.StepStartedAt, live.CanaryWeight);
        if (s.TrafficAppliedAt is not { } since) return null;
        if (s.StepState is not (StepState.Analyzing or StepState.Paused or StepState.Ready)) return null;
        if (s.Traffic is not { CanaryExposed: true }) return null;
        return new AnalysisWindow(canary, s.StableRevision!.Value, s.StepIndex, since, s.Traffic.CanaryWeight);
    }
}
