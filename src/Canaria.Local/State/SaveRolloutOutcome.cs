namespace Canaria.Local.State;

internal enum SaveRolloutOutcome
{
    Created,
    Updated,

    /// <summary>The stored row version is not the expected one (or the row exists when creating, or is gone when updating).</summary>
    Conflict,

    /// <summary>The store could not write (disk full, I/O error, locked); <see cref="SaveRolloutResult.Error"/> says why.</summary>
    Failed,
}
