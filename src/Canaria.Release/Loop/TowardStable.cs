using Canaria.Core.Engine;

namespace Canaria.Release.Loop;

/// <summary>
/// Which decisions the controller applies although their status could not be stored: only those that move traffic
/// toward stable (an abort and its scale-down, a cancelled release, a lower canary weight). Everything else waits
/// for the store, so nothing else changes while the store fails.
/// </summary>
internal static class TowardStable
{
    public static bool MayApplyUnstored(RolloutStatus? current, Decision decision)
    {
        if (current?.Traffic is not { } before) return false;
        var after = decision.Traffic;
        if (after.StableRevision != before.StableRevision) return false; // a promotion
        if (after.CanaryRevision is { } canary && canary != before.CanaryRevision) return false; // a new release
        if (Share(after) > Share(before) || after.MirrorPercent > before.MirrorPercent || after.Matches.Count > before.Matches.Count)
            return false;
        return decision.Status.StepState is StepState.Aborting or StepState.Aborted
            || Share(after) < Share(before)
            || after.MirrorPercent < before.MirrorPercent
            || after.Matches.Count < before.Matches.Count;
    }

    /// <summary>True for a command that sends traffic back to stable (applied even when it cannot be stored).</summary>
    public static bool IsRollback(RolloutCommand command) => command.Kind == CommandKind.Abort;

    private static int Share(TrafficTarget t) => t.CanaryRevision is null ? 0 : t.CanaryWeight;
}
