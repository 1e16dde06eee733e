namespace Canaria.Local.State;

/// <summary>A stored rollout: opaque spec and status text owned by the controller, with its versions.</summary>
/// <param name="Generation">Bumped when the spec text changes (not on status-only saves).</param>
/// <param name="RowVersion">Bumped on every save; pass it back to <see cref="StateStore.SaveRollout"/>.</param>
internal sealed record RolloutRecord(
    string Name,
    string Spec,
    string StatusJson,
    long Generation,
    long RowVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
