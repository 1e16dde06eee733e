namespace Canaria.Local.State;

/// <summary>
/// Result of <see cref="StateStore.SaveRollout"/>. On success <see cref="Rollout"/> is the saved row;
/// on <see cref="SaveRolloutOutcome.Conflict"/> it is the row as currently stored (null when there is none).
/// </summary>
internal sealed record SaveRolloutResult(SaveRolloutOutcome Outcome, RolloutRecord? Rollout)
{
    public bool IsConflict => Outcome == SaveRolloutOutcome.Conflict;
}
