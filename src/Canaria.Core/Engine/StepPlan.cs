using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>A step with everything resolved: the traffic carried over from earlier steps, replicas as a count.</summary>
internal sealed record EffectiveStep(int Index, int Traffic, int CanaryReplicas, IReadOnlyList<MatchSpec> Matches, PauseSpec? Pause, bool IsFinal)
{
    /// <summary>Percent of the stable's requests mirrored to the canary (carried over from earlier steps like traffic).</summary>
    public int Mirror { get; init; }

    /// <summary>The split as written in weights (carried over like traffic); null when the steps wrote a percentage.</summary>
    public SplitWeights? Weights { get; init; }

    /// <summary>
    /// No step up to this one wrote traffic or weights but one set replicas: the split follows the ready replicas of each
    /// version (4 stable + 1 canary ready is 20%), as a Service without a router does.
    /// </summary>
    public bool ReplicaRatio { get; init; }

    /// <summary>The split as people read it: "10%", "250/750 (75%)" for weights, "replica ratio" when replicas carry it.</summary>
    public string TrafficText => ReplicaRatio ? "replica ratio" : Weights?.ToString() ?? $"{Traffic}%";
}

/// <summary>Turns the written steps into effective ones, and adds the final full promotion after the last.</summary>
internal static class StepPlan
{
    /// <summary>Blue-green without steps: bring the new version up at full size, wait for a human, then switch.</summary>
    private static readonly IReadOnlyList<StepSpec> DefaultBlueGreen =
        [new StepSpec { Traffic = 0, Replicas = new ReplicaCount(100, true), Pause = new PauseSpec() }];

    public static IReadOnlyList<StepSpec> Steps(RolloutSpec spec) =>
        spec.Strategy.Kind == StrategyKind.BlueGreen && spec.Strategy.Steps.Count == 0 ? DefaultBlueGreen : spec.Strategy.Steps;

    /// <summary>Number of written steps; the index equal to it is the final full promotion.</summary>
    public static int Count(RolloutSpec spec) => Steps(spec).Count;

    public static EffectiveStep At(RolloutSpec spec, int index)
    {
        var steps = Steps(spec);
        var total = spec.Replicas;
        if (index >= steps.Count) return new EffectiveStep(steps.Count, 100, total, [], null, IsFinal: true);

        var traffic = 0;
        var mirror = 0;
        SplitWeights? weights = null;
        var written = false;
        ReplicaCount? lastReplicas = null;
        for (var i = 0; i <= index; i++)
        {
            written |= steps[i].Weights is not null || steps[i].Traffic is not null;
            lastReplicas = steps[i].Replicas ?? lastReplicas;
            if (steps[i].Weights is { } w)
            {
                weights = w;
                traffic = w.CanaryPercent;
            }
            else if (steps[i].Traffic is { } t)
            {
                weights = null;
                traffic = t;
            }
            mirror = steps[i].Mirror ?? mirror;
        }
        var step = steps[index];
        // Replica ratio: until a step writes traffic or weights, the last written replicas carry the split. A router on
        // Kubernetes weighs by what is written, never by pods (as Argo Rollouts' setCanaryScale): there replicas only scale.
        var ratio = spec.Strategy.Kind == StrategyKind.Canary && !written && spec.TrafficRouting is not { Any: true };
        var ratioReplicas = ratio ? lastReplicas?.Resolve(total) ?? 0 : 0;
        if (ratioReplicas > 0)
            return new EffectiveStep(index, 0, Math.Min(ratioReplicas, total), step.Matches, step.Pause, IsFinal: false) { Mirror = mirror, ReplicaRatio = true };
        var replicas = step.Replicas?.Resolve(total)
            ?? (spec.Strategy.Kind == StrategyKind.BlueGreen ? total
                : traffic > 0 || mirror > 0 || step.Matches.Count > 0 ? Math.Max(1, (int)Math.Ceiling(total * traffic / 100.0))
                : 0);
        return new EffectiveStep(index, traffic, Math.Min(replicas, total), step.Matches, step.Pause, IsFinal: false) { Mirror = mirror, Weights = weights };
    }

    /// <summary>"step 2/4" as people read it (1-based; the final promotion is "full promotion").</summary>
    public static string Describe(RolloutSpec spec, int index)
    {
        var count = Count(spec);
        return index >= count ? "full promotion" : $"step {index + 1}/{count}";
    }
}
