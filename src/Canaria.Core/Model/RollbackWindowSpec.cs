namespace Canaria.Core.Model;

/// <summary>
/// spec.rollbackWindow (as Argo Rollouts' rollbackWindow): a release of one of the last <see cref="Revisions"/>
/// revisions that were stable goes straight to full promotion — full size first, then all traffic at once — instead of
/// re-running every step. Going back to the current stable revision always cancels at once, window or not.
/// </summary>
internal sealed record RollbackWindowSpec
{
    /// <summary>How many earlier stable revisions count as a rollback (1 = only the one before the current stable).</summary>
    public int Revisions { get; init; }

    /// <summary>The most earlier stable revisions the status remembers, and so the largest window.</summary>
    public const int MaxRevisions = 10;
}
