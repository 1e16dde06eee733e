using Canaria.Core.Analysis;

namespace Canaria.Core.Engine;

/// <summary>
/// Everything the engine must remember between reconciles. It is stored after every decision, so a
/// restarted controller continues from exactly here without re-deciding traffic.
/// </summary>
internal sealed record RolloutStatus
{
    public RolloutPhase Phase { get; init; } = RolloutPhase.Progressing;
    public int? StableRevision { get; init; }

    /// <summary>The revision being released; kept after an abort so `retry` knows what to release again.</summary>
    public int? CanaryRevision { get; init; }

    /// <summary>0-based step index; Steps.Count means the final full promotion.</summary>
    public int StepIndex { get; init; }

    public StepState StepState { get; init; } = StepState.Completed;
    public DateTimeOffset StepStartedAt { get; init; }
    public DateTimeOffset StateSince { get; init; }

    /// <summary>When the current step's traffic was confirmed live; analysis only counts data after it.</summary>
    public DateTimeOffset? TrafficAppliedAt { get; init; }

    /// <summary>Canary replicas that the live traffic relies on; never scaled below while that traffic is live.</summary>
    public int CanaryScale { get; init; }

    /// <summary>The split last decided (what the router is asked to apply).</summary>
    public TrafficTarget? Traffic { get; init; }

    /// <summary>Held by a human (`canaria pause`) or by inconclusive analysis.</summary>
    public bool Paused { get; init; }
    public DateTimeOffset? PausedAt { get; init; }
    public string? PauseReason { get; init; }

    /// <summary>One-shot request from `promote`: finish the current step's wait now.</summary>
    public bool PromoteRequested { get; init; }

    /// <summary>From `promote --full`: skip the remaining steps.</summary>
    public bool FullPromotion { get; init; }

    public string? AbortReason { get; init; }

    /// <summary>True when the abort came from reverting the spec to the stable revision (a cancel, not a failure).</summary>
    public bool Cancelled { get; init; }

    public IReadOnlyList<CheckStatus> Checks { get; init; } = [];

    /// <summary>Gate keys (revision/step/type/webhook) opened by a 2xx for the current step.</summary>
    public IReadOnlyList<string> OpenGates { get; init; } = [];

    /// <summary>Why a gate holds the current step, if one does.</summary>
    public string? GateMessage { get; init; }
    public IReadOnlyList<PendingScaleDown> ScaleDowns { get; init; } = [];

    /// <summary>Revisions that were stable before the current one, the most recent first (at most 10): the rollback window's candidates.</summary>
    public IReadOnlyList<int> PreviousStables { get; init; } = [];

    public string Message { get; init; } = "";
}

/// <summary>A revision that lost its traffic and keeps its replicas until NotBefore.</summary>
internal sealed record PendingScaleDown(int Revision, int Replicas, DateTimeOffset NotBefore);
