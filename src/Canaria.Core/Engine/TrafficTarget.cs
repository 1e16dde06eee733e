using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>The traffic split the engine wants (or a router reports as applied): revisions, canary weight in percent, test-user matches.</summary>
internal sealed record TrafficTarget
{
    public required int StableRevision { get; init; }
    public int? CanaryRevision { get; init; }
    public int CanaryWeight { get; init; }
    public IReadOnlyList<MatchSpec> Matches { get; init; } = [];

    /// <summary>Percent of the stable's requests copied to the canary (shadow traffic); its responses are discarded.</summary>
    public int MirrorPercent { get; init; }

    /// <summary>True when the canary receives any request (by weight or by match).</summary>
    public bool CanaryExposed => CanaryRevision is not null && (CanaryWeight > 0 || Matches.Count > 0);

    public bool SameAs(TrafficTarget? other) =>
        other is not null
        && other.StableRevision == StableRevision
        && other.CanaryRevision == CanaryRevision
        && other.CanaryWeight == CanaryWeight
        && other.Matches.SequenceEqual(Matches)
        && other.MirrorPercent == MirrorPercent;

    /// <summary>True when this split sends some request (served or mirrored) to the given revision.</summary>
    public bool Routes(int revision) =>
        (revision == StableRevision && (CanaryRevision is null || CanaryWeight < 100))
        || (revision == CanaryRevision && (CanaryExposed || MirrorPercent > 0));

    public static TrafficTarget AllStable(int stable) => new() { StableRevision = stable };
}
