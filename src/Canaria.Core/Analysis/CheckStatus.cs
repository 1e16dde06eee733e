namespace Canaria.Core.Analysis;

/// <summary>The running tally of one check for the current release; Evidence holds the last verdict's values, sample sizes and p-value or bounds.</summary>
internal sealed record CheckStatus
{
    public required string Name { get; init; }
    public Verdict? LastVerdict { get; init; }
    public double? LastValue { get; init; }
    public string? Evidence { get; init; }
    public DateTimeOffset? MeasuredAt { get; init; }

    /// <summary>Passing measurements at the current step.</summary>
    public int StepPasses { get; init; }

    /// <summary>Measurements at the current step (a check's `count` caps them).</summary>
    public int StepMeasurements { get; init; }

    public int Failures { get; init; }
    public int ConsecutiveInconclusive { get; init; }
    public int ConsecutiveErrors { get; init; }
    public int Measurements { get; init; }
}
