using Canaria.Core.Engine;

namespace Canaria.Local.Controller;

internal static class RolloutViews
{
    public static RolloutView Of(ManagedRollout r, LocalWorkload workload)
    {
        var status = r.Status ?? new RolloutStatus();
        var applied = r.AppliedTraffic;
        var versions = new List<VersionView>();
        foreach (var (revision, desired) in r.DesiredReplicas.OrderBy(p => p.Key))
        {
            var role = Role(status, revision);
            var weight = Weight(applied, revision);
            var replicas = workload.Replicas(r, revision)
                .Select(x => new ReplicaView(x.Index, x.Pid, x.Port, x.State.ToString(), x.Restarts, x.LogPath)).ToList();
            versions.Add(new VersionView
            {
                Revision = revision,
                Version = RevisionNames.Version(r, revision),
                Role = role,
                Weight = weight,
                WrittenWeight = applied?.WrittenWeight(revision),
                ReplicaRatio = ReadyShare(applied, revision),
                DesiredReplicas = desired,
                ReadyReplicas = workload.Observe(r, revision).Ready,
                Replicas = replicas,
            });
        }
        return new RolloutView
        {
            Name = r.Name,
            Spec = r.SpecText,
            SpecRevision = r.SpecRevision,
            Status = status,
            Strategy = r.Spec.Strategy.Kind.ToString(),
            Steps = StepPlan.Count(r.Spec),
            Service = r.Spec.Service?.Name,
            ListenAddress = r.ListenAddress,
            AppliedTraffic = applied,
            Versions = versions,
            NotStored = r.UnstoredReason,
        };
    }

    /// <summary>stable, canary, or previous (waiting for scale-down).</summary>
    public static string Role(RolloutStatus? status, int revision) =>
        revision == status?.StableRevision ? "stable" : revision == status?.CanaryRevision ? "canary" : "previous";

    /// <summary>"1/5": a revision's ready replicas of all ready ones, when the applied split follows them (null otherwise).</summary>
    private static string? ReadyShare(TrafficTarget? applied, int revision) =>
        applied is not { ReplicaRatio: true, Weights: { } w } ? null
        : revision == applied.CanaryRevision ? $"{w.Canary}/{w.Total}"
        : revision == applied.StableRevision ? $"{w.Stable}/{w.Total}"
        : null;

    /// <summary>The share of traffic the gateway gives a revision under the applied split.</summary>
    public static int Weight(TrafficTarget? applied, int revision) =>
        applied is null ? 0
        : revision == applied.CanaryRevision ? applied.CanaryWeight
        : revision == applied.StableRevision ? 100 - (applied.CanaryRevision is null ? 0 : applied.CanaryWeight)
        : 0;
}
