using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>
/// Webhook gates in Flagger's model: before the canary's first traffic (preRollout), before a step that raises its
/// traffic (preTrafficIncrease) and before the full promotion (prePromotion). A 2xx opens the gate for this step of
/// this revision; anything else holds; no answer pauses the rollout for a human with the reason.
/// </summary>
internal static class Gates
{
    /// <summary>Gates the current step still needs before its traffic may be applied.</summary>
    public static IReadOnlyList<GateCall> Missing(EngineContext ctx, RolloutStatus s) => Missing(ctx.Spec, s);

    /// <summary>Gates a step of this status still needs (a shell uses it to know which answers a stored status has not counted yet).</summary>
    public static IReadOnlyList<GateCall> Missing(RolloutSpec spec, RolloutStatus s)
    {
        if (spec.Webhooks.Count == 0 || s.CanaryRevision is not { } canary || s.StepState != StepState.RoutingTraffic || s.Paused)
            return [];
        var step = StepPlan.At(spec, s.StepIndex);
        var current = s.Traffic?.CanaryWeight ?? 0;
        var types = new List<WebhookType>();
        if (s.StepIndex == 0) types.Add(WebhookType.PreRollout);
        if (step.IsFinal) types.Add(WebhookType.PrePromotion);
        else if (step.Traffic > current || RaisesReplicaRatio(spec, step)) types.Add(WebhookType.PreTrafficIncrease);
        return spec.Webhooks
            .Where(w => types.Contains(w.Type))
            .Select(w => new GateCall(w.Name, $"{canary}/{s.StepIndex}/{w.Type}/{w.Name}", s.StepIndex))
            .Where(g => !s.OpenGates.Contains(g.Key))
            .ToList();
    }

    /// <summary>A replica-ratio step with more canary replicas than the step before raises the canary's share.</summary>
    private static bool RaisesReplicaRatio(RolloutSpec spec, EffectiveStep step) =>
        step.ReplicaRatio && step.CanaryReplicas > (step.Index > 0 && StepPlan.At(spec, step.Index - 1) is { ReplicaRatio: true } before ? before.CanaryReplicas : 0);

    /// <summary>Folds the webhooks' answers into the status: open gates, a hold message, or a pause.</summary>
    public static RolloutStatus Fold(EngineContext ctx, RolloutStatus s)
    {
        var missing = Missing(ctx, s);
        if (missing.Count == 0) return s;
        foreach (var r in ctx.Observation.GateResults.OrderBy(r => r.At))
        {
            var gate = missing.FirstOrDefault(g => g.Key == r.Key);
            if (gate is null) continue;
            switch (r.Outcome)
            {
                case GateOutcome.Open:
                    ctx.Normal("GateOpened", $"{ctx.Describe(s.StepIndex)}: webhook '{r.Webhook}' opened the gate ({r.Detail})");
                    s = s with { OpenGates = [.. s.OpenGates, r.Key], GateMessage = null };
                    if (Missing(ctx, s).Count == 0) s = s with { StepStartedAt = ctx.Now }; // the progress deadline counts from the open gate
                    break;
                case GateOutcome.Closed:
                    if (s.GateMessage is null) ctx.Normal("GateHeld", $"{ctx.Describe(s.StepIndex)}: webhook '{r.Webhook}' holds the gate ({r.Detail})");
                    s = s with { GateMessage = $"webhook '{r.Webhook}' holds the gate ({r.Detail})" };
                    break;
                default:
                    if (s.Paused) break;
                    var reason = $"webhook '{r.Webhook}' did not answer ({r.Detail}); a human must decide: resume asks it again, promote or abort";
                    ctx.Warning("GateNoAnswer", $"{ctx.Describe(s.StepIndex)}: {reason}");
                    s = s with { Paused = true, PausedAt = ctx.Now, PauseReason = reason, GateMessage = reason };
                    break;
            }
        }
        return s;
    }
}
