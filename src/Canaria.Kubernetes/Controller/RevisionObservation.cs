using Canaria.Core.Engine;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// What the engine sees of a Deployment: ready pods per revision and the traffic really applied. Without a router
/// the split is the ready pods: when every ReplicaSet runs exactly the pods last planned, all ready, the decided
/// split counts as applied; otherwise the canary's share of ready pods is reported as it is.
/// </summary>
internal static class RevisionObservation
{
    /// <summary>Desired and ready pods per revision the status knows, summed over its ReplicaSets.</summary>
    public static IReadOnlyDictionary<int, ReplicaObservation> Of(DeploymentView d, StoredStatus stored)
    {
        var revisions = new Dictionary<int, ReplicaObservation>();
        foreach (var (hash, revision) in stored.Revisions)
        {
            var sets = d.ReplicaSets.Where(rs => rs.TemplateHash == hash).ToList();
            revisions[revision] = new ReplicaObservation(sets.Sum(rs => rs.Replicas), sets.Sum(rs => rs.ReadyReplicas));
        }
        return revisions;
    }

    /// <summary>The split ready pods make without a router (null before the first status).</summary>
    public static TrafficTarget? Applied(DeploymentView d, StoredStatus stored, Observation observation)
    {
        if (stored.Engine is not { StableRevision: { } stable } engine) return null;
        var revisions = observation.Revisions;
        var planned = stored.Plan;
        var settled = planned.Count > 0
            && planned.All(p => revisions.TryGetValue(p.Key, out var o) && o.Desired == p.Value && o.Ready == p.Value)
            && revisions.Where(r => !planned.ContainsKey(r.Key)).All(r => r.Value.Ready == 0)
            && d.ReplicaSets.Where(rs => !stored.Revisions.ContainsKey(rs.TemplateHash)).All(rs => rs.ReadyReplicas == 0);
        var canary = engine.Traffic?.CanaryRevision ?? engine.CanaryRevision;
        return settled && engine.Traffic is not null
            ? engine.Traffic
            : new TrafficTarget
            {
                StableRevision = stable,
                CanaryRevision = canary,
                CanaryWeight = ReplicaPlan.ReadyShare(canary is { } c ? observation.Ready(c) : 0, observation.Ready(stable)),
            };
    }
}
