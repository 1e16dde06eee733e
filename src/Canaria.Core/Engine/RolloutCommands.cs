using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>Applies promote, pause, resume, abort, retry and jump to a stored status; refuses what makes no sense now.</summary>
internal static class RolloutCommands
{
    public static CommandResult Apply(RolloutSpec spec, RolloutStatus status, RolloutCommand command, DateTimeOffset now)
    {
        var inProgress = status.CanaryRevision is not null
            && status.StepState is not (StepState.Aborting or StepState.Aborted or StepState.Completed);
        var count = StepPlan.Count(spec);
        var where = StepPlan.Describe(spec, status.StepIndex);

        CommandResult Done(RolloutStatus s, string reason, string message) =>
            new(s, null, new RolloutEvent(now, EventType.Normal, reason, message));
        CommandResult Refuse(string why) => new(null, why, null);
        const string NoRelease = "no release is in progress (apply a new revision first)";

        switch (command.Kind)
        {
            case CommandKind.Promote:
                if (!inProgress) return Refuse(NoRelease);
                return Done(Unpause(status, now) with { PromoteRequested = true }, "PromoteRequested", $"{where}: promote requested");

            case CommandKind.PromoteFull:
                if (!inProgress) return Refuse(NoRelease);
                var full = Unpause(status, now) with { FullPromotion = true, PromoteRequested = false };
                if (status.StepIndex < count)
                    full = full with { StepIndex = count, StepState = StepState.Upgrading, StepStartedAt = now, StateSince = now, TrafficAppliedAt = null };
                return Done(full, "FullPromotionRequested", $"{where}: skipping the remaining steps to full promotion");

            case CommandKind.Pause:
                if (!inProgress) return Refuse(NoRelease);
                if (status.Paused) return Refuse($"already paused ({status.PauseReason})");
                return Done(status with { Paused = true, PausedAt = now, PauseReason = "paused by a human" }, "Paused", $"{where}: paused by a human");

            case CommandKind.Resume:
                if (status.Paused) return Done(Unpause(status, now), "Resumed", $"{where}: resumed");
                // At a step's own pause (phase Paused, e.g. `pause: {}`), resume ends that pause, as Argo Rollouts' resume does.
                if (inProgress && status.StepState == StepState.Paused)
                    return Done(status with { StepState = StepState.Ready, StateSince = now }, "Resumed", $"{where}: resumed, the step's pause ends");
                return Refuse(inProgress ? "the rollout is not paused" : NoRelease);

            case CommandKind.Abort:
                if (!inProgress) return Refuse(NoRelease);
                return Done(status with { StepState = StepState.Aborting, StateSince = now, AbortReason = "aborted by a human", PromoteRequested = false, FullPromotion = false },
                    "AbortRequested", $"{where}: abort requested by a human");

            case CommandKind.Retry:
                if (status.StepState != StepState.Aborted || status.CanaryRevision is null)
                    return Refuse("only an aborted release can be retried");
                var retried = status with
                {
                    StepIndex = 0,
                    StepState = StepState.Upgrading,
                    StepStartedAt = now,
                    StateSince = now,
                    TrafficAppliedAt = null,
                    AbortReason = null,
                    Checks = status.Checks.Select(c => new Analysis.CheckStatus { Name = c.Name }).ToList(),
                };
                return Done(retried, "Retry", $"revision {status.CanaryRevision} is released again from {StepPlan.Describe(spec, 0)}");

            case CommandKind.Jump:
                if (!inProgress) return Refuse(NoRelease);
                if (command.StepIndex < 0 || command.StepIndex >= count)
                    return Refuse($"step {command.StepIndex + 1} does not exist (steps are 1 to {count})");
                var jumped = status with
                {
                    StepIndex = command.StepIndex,
                    StepState = StepState.Upgrading,
                    StepStartedAt = now,
                    StateSince = now,
                    TrafficAppliedAt = null,
                    PromoteRequested = false,
                    FullPromotion = false,
                };
                return Done(jumped, "Jumped", $"{where} → {StepPlan.Describe(spec, command.StepIndex)} by a human");

            default:
                return Refuse($"unknown operation {command.Kind}");
        }
    }

    /// <summary>Clears a pause and moves the step's start forward by the paused time, so the deadline does not count it.</summary>
    private static RolloutStatus Unpause(RolloutStatus s, DateTimeOffset now)
    {
        if (!s.Paused) return s;
        var held = s.PausedAt is { } at ? now - at : TimeSpan.Zero;
        return s with
        {
            Paused = false,
            PausedAt = null,
            PauseReason = null,
            StepStartedAt = s.StepStartedAt + held,
            Checks = s.Checks.Select(c => c with { ConsecutiveInconclusive = 0, ConsecutiveErrors = 0 }).ToList(),
        };
    }
}
