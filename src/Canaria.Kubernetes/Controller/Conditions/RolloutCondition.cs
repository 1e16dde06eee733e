namespace Canaria.Kubernetes.Controller.Conditions;

/// <summary>
/// One entry of status.conditions, in the Kubernetes convention (type, status, reason, message, lastTransitionTime).
/// Every type Canaria writes is "normal-true": status False means a human should look.
/// </summary>
internal sealed record RolloutCondition(string Type, bool Ok, string Reason, string Message)
{
    public const string SpecValid = "SpecValid";
    public const string WorkloadFound = "WorkloadFound";
    public const string TrafficRouted = "TrafficRouted";
    public const string Progressing = "Progressing";
    public const string AnalysisPassing = "AnalysisPassing";

    /// <summary>The order of status.conditions (and of `canaria get`'s table after the ones needing attention).</summary>
    public static readonly IReadOnlyList<string> Order = [SpecValid, WorkloadFound, TrafficRouted, Progressing, AnalysisPassing];

    /// <summary>
    /// Reasons of states the engine itself announces with an event when they begin (Aborting/Aborted, AnalysisFailed,
    /// AnalysisInconclusive, AnalysisError) and end (ReleaseStarted, a resume): the condition shows them, no second event is written.
    /// </summary>
    public static readonly IReadOnlySet<string> EngineAnnounced = new HashSet<string>(StringComparer.Ordinal)
    {
        "ReleaseAborted", "AnalysisFailed", "AnalysisInconclusive", "AnalysisError",
    };

    /// <summary>
    /// Reasons whose message carries live progress ("3/10 ready"): while the reason holds, a new message is the same
    /// state moving, so it updates the condition without another Warning.
    /// </summary>
    public static readonly IReadOnlySet<string> Progress = new HashSet<string>(StringComparer.Ordinal)
    {
        RoutingStatus.WaitingForPods, RoutingStatus.WaitingForEndpoints,
    };

    public string Status => Ok ? "True" : "False";
}
