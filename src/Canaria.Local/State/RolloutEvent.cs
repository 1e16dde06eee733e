namespace Canaria.Local.State;

/// <summary>One entry of a rollout's history; <see cref="Id"/> grows monotonically across the store.</summary>
internal sealed record RolloutEvent(
    long Id,
    string Rollout,
    DateTimeOffset Timestamp,
    string Type,
    string Reason,
    string Message,
    int? StepIndex,
    int? Revision);
