using Canaria.Core.Analysis;

namespace Canaria.Core.Engine;

/// <summary>Replicas of one revision as the platform reports them.</summary>
internal sealed record ReplicaObservation(int Desired, int Ready);

/// <summary>What the drivers see right now: replicas per revision, the traffic split actually applied, new analysis measurements.</summary>
internal sealed record Observation
{
    /// <summary>The revision the spec asks for (a changed template is a new revision).</summary>
    public required int SpecRevision { get; init; }

    public IReadOnlyDictionary<int, ReplicaObservation> Revisions { get; init; } = new Dictionary<int, ReplicaObservation>();

    /// <summary>The split the router reports as live; null when nothing was applied yet.</summary>
    public TrafficTarget? AppliedTraffic { get; init; }

    /// <summary>Measurements taken since the last reconcile.</summary>
    public IReadOnlyList<Measurement> Measurements { get; init; } = [];

    /// <summary>Answers of gate webhooks since the last reconcile.</summary>
    public IReadOnlyList<GateResult> GateResults { get; init; } = [];

    public int Ready(int? revision) =>
        revision is { } r && Revisions.TryGetValue(r, out var o) ? o.Ready : 0;
}
