using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Local.Dashboard;

/// <summary>The parts of a <see cref="DashboardRollout"/> that come from the spec and the engine's status, the same on every platform.</summary>
internal static class DashboardMapping
{
    /// <summary>The fields the engine's status decides; the source adds what its platform knows (versions, service, address).</summary>
    public static DashboardRollout FromStatus(string name, string strategy, RolloutStatus s, RolloutSpec? spec) => new()
    {
        Name = name,
        Phase = s.Phase.ToString(),
        Strategy = strategy,
        StepIndex = s.StepIndex,
        StepState = s.StepState.ToString(),
        Message = s.Message,
        AbortReason = s.AbortReason,
        Cancelled = s.Cancelled,
        Paused = s.Paused,
        PauseReason = s.PauseReason,
        GateMessage = s.GateMessage,
        StableRevision = s.StableRevision,
        CanaryRevision = s.CanaryRevision,
        Steps = spec is null ? [] : Pipeline(spec),
        Checks = [.. s.Checks.Select(c => Check(spec, c))],
    };

    public static IReadOnlyList<DashboardStep> Pipeline(RolloutSpec spec) =>
        [.. Enumerable.Range(0, StepPlan.Count(spec) + 1).Select(i => StepPlan.At(spec, i)).Select(step => new DashboardStep(
            step.Index, step.Traffic, step.CanaryReplicas, step.Matches.Count, step.Mirror,
            step.Pause is null ? null : step.Pause.Duration is { } d ? Durations.Format(d) : "manual", step.IsFinal) { TrafficText = step.TrafficText })];

    public static DashboardCheck Check(RolloutSpec? spec, CheckStatus c)
    {
        var check = spec?.Analysis?.Checks.FirstOrDefault(x => x.Name == c.Name);
        var kind = check switch
        {
            null => "",
            { Compare: { } compare } => "compare: " + compare.Method.ToString().ToLowerInvariant(),
            _ => check.Provider.ToString().ToLowerInvariant(),
        };
        return new DashboardCheck(c.Name, kind, check?.Compare?.Method == CompareMethod.Sequential, c.LastVerdict?.ToString(), c.Evidence,
            c.MeasuredAt, c.Measurements, c.Failures);
    }
}
