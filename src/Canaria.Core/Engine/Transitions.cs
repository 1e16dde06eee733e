using Canaria.Core.Analysis;

namespace Canaria.Core.Engine;

/// <summary>Status changes shared by the engine and the operations: start a release, enter a step, abort, complete.</summary>
internal static class Transitions
{
    public static RolloutStatus StartRelease(EngineContext ctx, RolloutStatus s, int revision)
    {
        var scaleDowns = s.ScaleDowns.ToList();
        if (s.CanaryRevision is { } old && old != revision && s.StepState is not StepState.Aborted)
            scaleDowns.Add(new PendingScaleDown(old, s.CanaryScale, ctx.Now));
        var replaces = s.CanaryRevision is { } c && c != revision && s.StepState != StepState.Aborted ? $", replacing the unfinished release of revision {c}" : "";
        var rollback = RollbackWindowAge(ctx, s, revision);
        if (rollback is { } age)
            ctx.Normal("RollbackStarted", $"revision {revision} was stable {age} release(s) ago, within the rollback window ({ctx.Spec.RollbackWindow!.Revisions}): it scales to full size and then takes all traffic at once, skipping the steps{replaces}; stable is revision {s.StableRevision}");
        else
            ctx.Normal("ReleaseStarted", $"revision {revision} is released from {ctx.Describe(0)}{replaces}; stable is revision {s.StableRevision}");
        return EnterStep(ctx, s, rollback is null ? 0 : StepPlan.Count(ctx.Spec)) with
        {
            CanaryRevision = revision,
            CanaryScale = s.CanaryRevision == revision ? s.CanaryScale : 0,
            Traffic = TrafficTarget.AllStable(s.StableRevision!.Value) with { CanaryRevision = revision },
            Checks = FreshChecks(ctx),
            ScaleDowns = scaleDowns.Where(d => d.Revision != revision).ToList(),
            Paused = false,
            PausedAt = null,
            PauseReason = null,
            PromoteRequested = false,
            FullPromotion = false,
            AbortReason = null,
            Cancelled = false,
            Phase = RolloutPhase.Progressing,
        };
    }

    public static RolloutStatus EnterStep(EngineContext ctx, RolloutStatus s, int index) => s with
    {
        StepIndex = index,
        StepState = StepState.Upgrading,
        StepStartedAt = ctx.Now,
        StateSince = ctx.Now,
        TrafficAppliedAt = null,
        PromoteRequested = false,
        OpenGates = [],
        GateMessage = null,
    };

    public static RolloutStatus Move(EngineContext ctx, RolloutStatus s, StepState state) =>
        s with { StepState = state, StateSince = ctx.Now };

    public static RolloutStatus Abort(EngineContext ctx, RolloutStatus s, string reason, bool cancelled = false)
    {
        if (s.StepState is StepState.Aborting or StepState.Aborted) return s;
        ctx.Warning(cancelled ? "Cancelling" : "Aborting", $"{ctx.Describe(s.StepIndex)}: {reason}; sending all traffic back to stable revision {s.StableRevision}");
        return Move(ctx, s, StepState.Aborting) with { AbortReason = reason, Cancelled = cancelled, PromoteRequested = false, FullPromotion = false };
    }

    public static RolloutStatus Complete(EngineContext ctx, RolloutStatus s)
    {
        var oldStable = s.StableRevision!.Value;
        var newStable = s.CanaryRevision!.Value;
        ctx.Normal("Completed", $"revision {newStable} is stable and serves all traffic; revision {oldStable} scales down after {Serialization.Durations.Format(ctx.Spec.ScaleDownDelay)}");
        return Move(ctx, s, StepState.Completed) with
        {
            StableRevision = newStable,
            CanaryRevision = null,
            CanaryScale = 0,
            Traffic = TrafficTarget.AllStable(newStable),
            ScaleDowns = [.. s.ScaleDowns.Where(d => d.Revision != newStable), new PendingScaleDown(oldStable, ctx.Spec.Replicas, ctx.Now + ctx.Spec.ScaleDownDelay)],
            PreviousStables = [.. new[] { oldStable }.Concat(s.PreviousStables).Where(r => r != newStable).Distinct().Take(Model.RollbackWindowSpec.MaxRevisions)],
            FullPromotion = false,
            PromoteRequested = false,
            Paused = false,
            PausedAt = null,
            PauseReason = null,
        };
    }

    /// <summary>How many releases ago <paramref name="revision"/> was stable (1 = the stable before the current), when that is within spec.rollbackWindow; else null.</summary>
    private static int? RollbackWindowAge(EngineContext ctx, RolloutStatus s, int revision)
    {
        if (ctx.Spec.RollbackWindow is not { } window) return null;
        var at = s.PreviousStables.Take(window.Revisions).ToList().IndexOf(revision);
        return at < 0 ? null : at + 1;
    }

    public static IReadOnlyList<CheckStatus> FreshChecks(EngineContext ctx) =>
        ctx.Spec.Analysis?.Checks.Select(c => new CheckStatus { Name = c.Name }).ToList() ?? [];
}
