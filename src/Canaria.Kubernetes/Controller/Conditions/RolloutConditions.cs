using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Controller.Conditions;

/// <summary>
/// The conditions of a Rollout whose spec is valid and whose Deployment exists, from the decided status and what the
/// traffic driver keeps. Messages carry no clock time, so a state that lasts keeps the same message (one event).
/// </summary>
internal static class RolloutConditions
{
    public static IReadOnlyList<RolloutCondition> Of(RolloutSpec spec, RolloutStatus s, string deployment, RoutingStatus? routing,
        DateTimeOffset now, TimeSpan stuckAfter)
    {
        var list = new List<RolloutCondition>
        {
            SpecValid(),
            new(RolloutCondition.WorkloadFound, true, "DeploymentFound", $"Deployment {deployment} is paused and its ReplicaSets are scaled by Canaria"),
            Traffic(spec, s, routing, now, stuckAfter),
            Progress(s, now, stuckAfter),
        };
        if (spec.Analysis is not null) list.Add(Analysis(s));
        return list;
    }

    public static RolloutCondition SpecValid() => new(RolloutCondition.SpecValid, true, "Valid", "the spec is valid");

    public static RolloutCondition Invalid(string message) => new(RolloutCondition.SpecValid, false, "InvalidSpec", message);

    public static RolloutCondition MissingDeployment(string message) => new(RolloutCondition.WorkloadFound, false, "DeploymentNotFound", message);

    /// <summary>When a step waiting for pods or the split becomes "stuck" (its condition turns False); null when nothing waits.</summary>
    public static DateTimeOffset? StuckAt(RolloutStatus s, TimeSpan stuckAfter) =>
        s.StepState is StepState.Upgrading or StepState.RoutingTraffic && !s.Paused && s.CanaryRevision is not null ? s.StateSince + stuckAfter : null;

    private static RolloutCondition Traffic(RolloutSpec spec, RolloutStatus s, RoutingStatus? routing, DateTimeOffset now, TimeSpan stuckAfter)
    {
        const string type = RolloutCondition.TrafficRouted;
        if (routing is null)
        {
            return spec.Strategy.Kind == StrategyKind.BlueGreen
                ? new(type, true, "SelectorSwitch", $"no traffic router: Service {spec.Service?.Name} selects the pods of the revision that serves")
                : new(type, true, "ReplicaRatio", "no traffic router: the Service sends to every ready pod, so each revision's share is its share of ready pods");
        }
        if (routing.Routers.FirstOrDefault(r => r.Missing) is { } missing)
            return new(type, false, "RouterObjectNotFound", $"{missing.Router}: {missing.Message}");
        if (routing.Reason is { } reason && routing.Message is { } message)
        {
            var waiting = reason is RoutingStatus.WaitingForEndpoints or RoutingStatus.WaitingForPods;
            if (!waiting || StuckAt(s, stuckAfter) is { } stuck && now >= stuck) return new(type, false, reason, message);
            return new(type, true, reason, message);
        }
        if (routing.Drift is { } drift) return new(type, true, "DriftRestored", drift);
        if (routing.Restored) return new(type, true, "HandedBack", "no release in progress: every router's objects are the user's again");
        return new(type, true, "SplitVerified", "every router read back the split it was given");
    }

    private static RolloutCondition Progress(RolloutStatus s, DateTimeOffset now, TimeSpan stuckAfter)
    {
        const string type = RolloutCondition.Progressing;
        if (s.CanaryRevision is null || s.StepState == StepState.Completed)
            return new(type, true, "Stable", "no release in progress");
        if (s.StepState is StepState.Aborting or StepState.Aborted)
        {
            return s.Cancelled
                ? new(type, true, "ReleaseCancelled", $"the release was cancelled: {s.AbortReason}")
                : new(type, false, "ReleaseAborted", s.AbortReason ?? "aborted");
        }
        if (s.StepState == StepState.Upgrading && StuckAt(s, stuckAfter) is { } stuck && now >= stuck)
            return new(type, false, "WaitingForPods", $"{s.Message} for more than {Core.Serialization.Durations.Format(stuckAfter)}");
        return new(type, true, s.Paused || s.StepState == StepState.Paused ? "Paused" : "Releasing", $"revision {s.CanaryRevision} is being released");
    }

    private static RolloutCondition Analysis(RolloutStatus s)
    {
        const string type = RolloutCondition.AnalysisPassing;
        if (s.StepState is StepState.Aborting or StepState.Aborted && s.AbortReason is { } abort && abort.StartsWith("analysis check", StringComparison.Ordinal))
            return new(type, false, "AnalysisFailed", abort);
        if (s.Paused && s.PauseReason is { } pause && pause.StartsWith("analysis check", StringComparison.Ordinal))
            return new(type, false, pause.Contains("could not be measured", StringComparison.Ordinal) ? "AnalysisError" : "AnalysisInconclusive", pause);
        return new(type, true, "NoFailure", "no check failed or stayed inconclusive");
    }
}
