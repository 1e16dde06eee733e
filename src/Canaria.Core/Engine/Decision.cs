namespace Canaria.Core.Engine;

/// <summary>What the drivers must make true next, and the status to store.</summary>
internal sealed record Decision
{
    public required RolloutStatus Status { get; init; }

    /// <summary>Desired replicas per revision; a revision not listed is removed.</summary>
    public required IReadOnlyDictionary<int, int> Replicas { get; init; }

    public required TrafficTarget Traffic { get; init; }

    /// <summary>When set, the shell measures the canary against these times.</summary>
    public AnalysisWindow? Analysis { get; init; }

    public IReadOnlyList<RolloutEvent> Events { get; init; } = [];

    /// <summary>Gate webhooks the current step waits for; the shell calls them and reports GateResults.</summary>
    public IReadOnlyList<GateCall> Gates { get; init; } = [];
}

/// <summary>Measure the canary revision from this moment on (never data from before the step's traffic was live).</summary>
internal sealed record AnalysisWindow(int CanaryRevision, int StableRevision, int StepIndex, DateTimeOffset Since, int CanaryWeight = 0);
