using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Release.Loop;

/// <summary>What one pass decided and did.</summary>
internal sealed record PassResult(PassOutcome Outcome, Decision Decision, Observation Observation, IReadOnlyDictionary<int, int> Replicas, StoreResult Store)
{
    /// <summary>The pending command's result (null when none was pending).</summary>
    public CommandResult? Command { get; init; }

    /// <summary>The decided status differs from the one the pass started from.</summary>
    public bool Moved { get; init; }

    /// <summary>Events recorded by this pass, the command's first.</summary>
    public IReadOnlyList<RolloutEvent> Events { get; init; } = [];

    /// <summary>Why scaling failed, or null.</summary>
    public string? ScaleError { get; init; }

    /// <summary>What applying the split did (null when it was not applied).</summary>
    public TrafficApplied? Traffic { get; init; }

    /// <summary>How soon a check falls due (null: none waits for time).</summary>
    public TimeSpan? NextCheck { get; init; }

    public bool IsApplied => Outcome is PassOutcome.Applied or PassOutcome.AppliedUnstored;

    /// <summary>The first error of the pass: the store's when nothing was applied, else scaling's, else traffic's.</summary>
    public string? Error => IsApplied ? ScaleError ?? Traffic?.Error : Store.Error ?? Outcome.ToString();
}
