using Canaria.Core.Model;

namespace Canaria.Local.Controller;

/// <summary>Names of revisions on the local platform: replica-set keys and the version names the gateway shows.</summary>
internal static class RevisionNames
{
    public static string SetKey(string rollout, int revision) => $"{rollout}-r{revision}";

    /// <summary>The template's version label, made unique when stable and canary share one (e.g. v1 and v1-r3).</summary>
    public static string Version(ManagedRollout rollout, int revision)
    {
        var label = rollout.Templates.TryGetValue(revision, out var t) ? t.Version : $"r{revision}";
        var status = rollout.Status;
        var other = status?.StableRevision == revision ? status.CanaryRevision : status?.StableRevision;
        if (other is { } o && o != revision && rollout.Templates.TryGetValue(o, out var ot) && ot.Version == label && revision > o)
            return $"{label}-r{revision}";
        return label;
    }

    public static VersionTemplate? Template(ManagedRollout rollout, int revision) =>
        rollout.Templates.GetValueOrDefault(revision);
}
