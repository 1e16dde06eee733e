namespace Canaria.Core.Model;

/// <summary>A declarative target state: how many canary replicas, how much traffic, which test users, how long to wait.</summary>
internal sealed record StepSpec
{
    /// <summary>Percent of traffic (0-100) sent to the canary by weight; null keeps the previous step's.</summary>
    public int? Traffic { get; init; }

    /// <summary>The split as relative weights of any total (SMI style, 250/750); exclusive with <see cref="Traffic"/>; null keeps the previous step's.</summary>
    public SplitWeights? Weights { get; init; }

    /// <summary>Canary replicas for this step; null derives them from the traffic share.</summary>
    public ReplicaCount? Replicas { get; init; }

    /// <summary>Requests matching any of these go to the canary whatever the weights.</summary>
    public IReadOnlyList<MatchSpec> Matches { get; init; } = [];

    /// <summary>Percent (0-100) of the stable's requests copied to the canary (responses discarded); null keeps the previous step's.</summary>
    public int? Mirror { get; init; }

    /// <summary>Null: no pause. Duration null: wait for a human to promote.</summary>
    public PauseSpec? Pause { get; init; }
}

internal sealed record PauseSpec
{
    public TimeSpan? Duration { get; init; }
}
