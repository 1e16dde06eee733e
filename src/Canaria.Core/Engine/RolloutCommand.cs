namespace Canaria.Core.Engine;

internal enum CommandKind
{
    Promote,
    PromoteFull,
    Pause,
    Resume,
    Abort,
    Retry,
    Jump,
}

/// <summary>A human's operation on a rollout. Jump carries a 0-based step index.</summary>
internal sealed record RolloutCommand(CommandKind Kind, int StepIndex = 0);

/// <summary>The outcome of an operation: the new status, or why it cannot be done (status unchanged).</summary>
internal sealed record CommandResult(RolloutStatus? Status, string? Error, RolloutEvent? Event)
{
    public bool Ok => Error is null;
}
