namespace Canaria.Local.Dashboard;

/// <summary>What the dashboard shows of one rollout, whichever platform runs it.</summary>
internal sealed record DashboardRollout
{
    public required string Name { get; init; }
    public required string Phase { get; init; }
    public required string Strategy { get; init; }

    /// <summary>0-based; equal to the number of steps during the full promotion.</summary>
    public int StepIndex { get; init; }
    public string StepState { get; init; } = "";
    public string Message { get; init; } = "";
    public string? AbortReason { get; init; }
    public bool Cancelled { get; init; }
    public bool Paused { get; init; }
    public string? PauseReason { get; init; }
    public string? GateMessage { get; init; }

    /// <summary>Why the shown status is not stored yet (local state store failing), or null.</summary>
    public string? NotStored { get; init; }
    public int? StableRevision { get; init; }
    public int? CanaryRevision { get; init; }
    public string? Service { get; init; }
    public string? ListenAddress { get; init; }
    public IReadOnlyList<DashboardVersion> Versions { get; init; } = [];
    public IReadOnlyList<DashboardStep> Steps { get; init; } = [];
    public IReadOnlyList<DashboardCheck> Checks { get; init; } = [];
}
