namespace Canaria.Local.State;

/// <summary>
/// Result of <see cref="StateStore.SaveRollout"/>. On success <see cref="Rollout"/> is the saved row;
/// on <see cref="SaveRolloutOutcome.Conflict"/> it is the row as currently stored (null when there is none);
/// on <see cref="SaveRolloutOutcome.Failed"/> <see cref="Error"/> is one line saying why the store could not write.
/// </summary>
internal sealed record SaveRolloutResult(SaveRolloutOutcome Outcome, RolloutRecord? Rollout, string? Error = null)
{
    public bool IsConflict => Outcome == SaveRolloutOutcome.Conflict;

    public bool IsFailed => Outcome == SaveRolloutOutcome.Failed;
}
