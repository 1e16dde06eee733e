namespace Canaria.Core.Model;

/// <summary>Checks run while the canary has traffic; a failed check aborts, "no data" is never a pass.</summary>
internal sealed record AnalysisSpec
{
    /// <summary>How often interval checks measure (a check may set its own).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed measurements tolerated per check; one more aborts the rollout.</summary>
    public int FailureLimit { get; init; }

    /// <summary>Consecutive inconclusive measurements tolerated; one more pauses for a human.</summary>
    public int InconclusiveLimit { get; init; } = 3;

    /// <summary>Consecutive metric-source errors tolerated per check; one more pauses for a human.</summary>
    public int ConsecutiveErrorLimit { get; init; } = 4;

    /// <summary>Fewer canary requests than this in a window make the measurement inconclusive.</summary>
    public int MinRequests { get; init; } = 20;

    /// <summary>Passing measurements of every check needed before a traffic step may finish.</summary>
    public int StepPasses { get; init; } = 1;

    public IReadOnlyList<CheckSpec> Checks { get; init; } = [];
}

internal enum MetricKind
{
    SuccessRate,
    ErrorRate,
    LatencyP50,
    LatencyP95,
    LatencyP99,
    RequestRate,
}
