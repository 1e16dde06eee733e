using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>The split one router should make live, in Kubernetes terms: two Services, a weight, test-user matches, a mirror.</summary>
internal sealed record RouteTarget
{
    /// <summary>The stable Service (spec.service.name); while a release runs its selector carries the stable's pod-template-hash.</summary>
    public required string StableService { get; init; }

    /// <summary>&lt;stable&gt;-canary, selecting only the canary's pods.</summary>
    public required string CanaryService { get; init; }

    /// <summary>Percent (0-100) of requests to the canary by weight.</summary>
    public int CanaryWeight { get; init; }

    /// <summary>The step's relative weights (250/750) when it wrote them; routers that take relative weights write these unchanged.</summary>
    public SplitWeights? Weights { get; init; }

    /// <summary>The exact split: the written weights, or 100−w/w.</summary>
    public SplitWeights Split => Weights ?? SplitWeights.FromPercent(CanaryWeight);

    /// <summary>Requests matching any of these go to the canary whatever the weight (placed before the weighted route).</summary>
    public IReadOnlyList<MatchSpec> Matches { get; init; } = [];

    /// <summary>Percent of the stable's requests copied to the canary; 0 = no mirror.</summary>
    public int MirrorPercent { get; init; }

    /// <summary>pod-template-hash of the stable revision (subset routing); null when unknown.</summary>
    public string? StablePodHash { get; init; }

    /// <summary>pod-template-hash of the canary revision (subset routing); null when there is no canary.</summary>
    public string? CanaryPodHash { get; init; }

    /// <summary>True when this target sends nothing to the canary: the state every router is restored from.</summary>
    public bool AllStable => CanaryWeight == 0 && Matches.Count == 0 && MirrorPercent == 0;
}
