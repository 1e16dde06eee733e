using System.Text.Json.Serialization;
using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>The traffic split the engine wants (or a router reports as applied): revisions, canary weight in percent, test-user matches.</summary>
internal sealed record TrafficTarget
{
    public required int StableRevision { get; init; }
    public int? CanaryRevision { get; init; }
    public int CanaryWeight { get; init; }

    /// <summary>The split as relative weights when the step wrote them (250/750); <see cref="CanaryWeight"/> is then their rounded share.</summary>
    public SplitWeights? Weights { get; init; }

    /// <summary>The exact split: the written weights, or the percentage as 100−w/w.</summary>
    [JsonIgnore]
    public SplitWeights Split => Weights ?? SplitWeights.FromPercent(CanaryWeight);

    /// <summary>
    /// The split follows the ready replicas of each version (a replica-ratio step): the router weighs each version by its
    /// ready replicas, so <see cref="CanaryWeight"/> and <see cref="Weights"/> are what it applies now (ready counts), not
    /// what the engine asks for.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReplicaRatio { get; init; }

    /// <summary>The split as people read it: "10%", "250/750 (75%)" for weights, "20% (replica ratio 1/5)" when replicas carry it.</summary>
    [JsonIgnore]
    public string WeightText =>
        ReplicaRatio ? Weights is { } r ? $"{SplitWeights.FormatPercent(r.ExactPercent)} (replica ratio {r.Canary}/{r.Total})" : "replica ratio"
        : Weights?.ToString() ?? $"{CanaryWeight}%";
    public IReadOnlyList<MatchSpec> Matches { get; init; } = [];

    /// <summary>Percent of the stable's requests copied to the canary (shadow traffic); its responses are discarded.</summary>
    public int MirrorPercent { get; init; }

    /// <summary>True when the canary receives any request (by weight or by match).</summary>
    public bool CanaryExposed => CanaryRevision is not null && (CanaryWeight > 0 || ReplicaRatio || Matches.Count > 0);

    public bool SameAs(TrafficTarget? other) =>
        other is not null
        && other.StableRevision == StableRevision
        && other.CanaryRevision == CanaryRevision
        && other.ReplicaRatio == ReplicaRatio
        && (ReplicaRatio || (other.CanaryWeight == CanaryWeight && other.Weights == Weights)) // ready counts move on their own
        && other.Matches.SequenceEqual(Matches)
        && other.MirrorPercent == MirrorPercent;

    /// <summary>True when this split sends some request (served or mirrored) to the given revision.</summary>
    public bool Routes(int revision) =>
        (revision == StableRevision && (CanaryRevision is null || CanaryWeight < 100))
        || (revision == CanaryRevision && (CanaryExposed || MirrorPercent > 0));

    /// <summary>The weight a revision has as the step wrote it (750 of 250/750); null when the split is a percentage or the revision gets none by weight.</summary>
    public int? WrittenWeight(int revision) =>
        Weights is not { } w || CanaryRevision is null || ReplicaRatio ? null
        : revision == CanaryRevision ? w.Canary
        : revision == StableRevision ? w.Stable
        : null;

    public static TrafficTarget AllStable(int stable) => new() { StableRevision = stable };
}
