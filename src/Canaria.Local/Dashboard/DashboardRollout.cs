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

/// <summary>A running version: its role, its share of traffic as the data plane applies it, and replicas.</summary>
internal sealed record DashboardVersion(int Revision, string Version, string Role, int Weight, int ReadyReplicas, int DesiredReplicas);

/// <summary>One written step (or the final full promotion) as the pipeline shows it.</summary>
internal sealed record DashboardStep(int Index, int Traffic, int Replicas, int Matches, int Mirror, string? Pause, bool Final);

/// <summary>One analysis check's last verdict with its evidence; <c>Sequential</c> marks an SPRT check (it has an LLR chart).</summary>
internal sealed record DashboardCheck(string Name, string Kind, bool Sequential, string? Verdict, string? Evidence, DateTimeOffset? MeasuredAt, int Measurements, int Failures);

internal sealed record DashboardEvent(DateTimeOffset At, string Type, string Reason, string Message);

internal sealed record DashboardRevision(int Number, string Version, DateTimeOffset CreatedAt, string Role);

/// <summary>An operation from a button: <c>Op</c> is promote, promote-full, pause, resume, abort, retry, jump or undo.</summary>
internal sealed record DashboardAction(string Op, int? Step = null, int? ToRevision = null);

/// <summary>The source's answer to an operation, with the HTTP status the dashboard API returns.</summary>
internal sealed record DashboardAnswer(bool Ok, int Status, string Message);
