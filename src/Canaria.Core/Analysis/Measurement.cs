namespace Canaria.Core.Analysis;

/// <summary>One evaluation of one check for one canary revision at one step, with the evidence behind its verdict.</summary>
internal sealed record Measurement(
    string Check,
    Verdict Verdict,
    double? Value,
    string Evidence,
    DateTimeOffset At,
    int CanaryRevision,
    int StepIndex);
