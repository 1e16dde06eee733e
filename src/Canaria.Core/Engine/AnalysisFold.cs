using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>
/// Folds new measurements into the per-check tallies: too many failures abort; too many inconclusive
/// measurements or metric-source errors in a row pause for a human. Pending (a sequential test still
/// collecting evidence) is neither a pass nor a reason to ask a human.
/// </summary>
internal static class AnalysisFold
{
    public static RolloutStatus Apply(EngineContext ctx, RolloutStatus s)
    {
        var analysis = ctx.Spec.Analysis;
        if (analysis is null || s.CanaryRevision is not { } canary
            || s.StepState is StepState.Aborting or StepState.Aborted or StepState.Completed)
            return s;

        // Checks added to the spec after the release started get a fresh tally, so they must pass too.
        if (analysis.Checks.Any(c => s.Checks.All(x => x.Name != c.Name)))
            s = s with { Checks = analysis.Checks.Select(c => s.Checks.FirstOrDefault(x => x.Name == c.Name) ?? new CheckStatus { Name = c.Name }).ToList() };
        var specs = analysis.Checks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var checks = s.Checks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var m in ctx.Observation.Measurements.OrderBy(m => m.At))
        {
            if (m.CanaryRevision != canary || !checks.TryGetValue(m.Check, out var c)) continue;
            var atStep = m.StepIndex == s.StepIndex;
            c = c with
            {
                LastVerdict = m.Verdict,
                LastValue = m.Value,
                Evidence = m.Evidence,
                MeasuredAt = m.At,
                Measurements = c.Measurements + 1,
                StepMeasurements = c.StepMeasurements + (atStep ? 1 : 0),
                StepPasses = c.StepPasses + (m.Verdict == Verdict.Pass && atStep ? 1 : 0),
                Failures = c.Failures + (m.Verdict == Verdict.Fail ? 1 : 0),
                ConsecutiveInconclusive = m.Verdict switch
                {
                    Verdict.Inconclusive => c.ConsecutiveInconclusive + 1,
                    Verdict.Error => c.ConsecutiveInconclusive,
                    _ => 0,
                },
                ConsecutiveErrors = m.Verdict == Verdict.Error ? c.ConsecutiveErrors + 1 : 0,
            };
            checks[m.Check] = c;
            if (m.Verdict == Verdict.Fail)
                ctx.Warning("AnalysisFailed", $"check '{c.Name}' failed ({c.Failures} of {FailureLimit(analysis, specs, c.Name) + 1} allowed before abort): {m.Evidence}");
        }

        s = s with { Checks = s.Checks.Select(c => checks[c.Name]).ToList() };
        var failed = s.Checks.FirstOrDefault(c => c.Failures > FailureLimit(analysis, specs, c.Name));
        if (failed is not null)
            return Transitions.Abort(ctx, s, $"analysis check '{failed.Name}' failed: {failed.Evidence}");
        if (s.Paused) return s;

        var unsure = s.Checks.FirstOrDefault(c => c.ConsecutiveInconclusive > analysis.InconclusiveLimit);
        if (unsure is not null)
            return PauseForHuman(ctx, s, $"analysis check '{unsure.Name}' was inconclusive {unsure.ConsecutiveInconclusive} times in a row ({unsure.Evidence}); a human must decide: promote, resume or abort", "AnalysisInconclusive");

        var erring = s.Checks.FirstOrDefault(c => c.ConsecutiveErrors > (specs.GetValueOrDefault(c.Name)?.ConsecutiveErrorLimit ?? analysis.ConsecutiveErrorLimit));
        if (erring is not null)
            return PauseForHuman(ctx, s, $"analysis check '{erring.Name}' could not be measured {erring.ConsecutiveErrors} times in a row ({erring.Evidence}); a human must decide: promote, resume or abort", "AnalysisError");
        return s;
    }

    /// <summary>True when every check that runs at this step has its passes (checks tied to other steps do not count).</summary>
    public static bool StepPassed(EngineContext ctx, RolloutStatus s)
    {
        if (ctx.Spec.Analysis is not { } a) return true;
        var here = a.Checks.Where(c => c.RunsAt(s.StepIndex)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return s.Checks.Where(c => here.Contains(c.Name)).All(c => c.StepPasses >= a.StepPasses);
    }

    public static RolloutStatus ResetStepPasses(RolloutStatus s) =>
        s with { Checks = s.Checks.Select(c => c with { StepPasses = 0, StepMeasurements = 0 }).ToList() };

    private static int FailureLimit(AnalysisSpec analysis, Dictionary<string, CheckSpec> specs, string name) =>
        specs.GetValueOrDefault(name)?.FailureLimit ?? analysis.FailureLimit;

    private static RolloutStatus PauseForHuman(EngineContext ctx, RolloutStatus s, string reason, string eventReason)
    {
        ctx.Warning(eventReason, reason);
        return s with { Paused = true, PausedAt = ctx.Now, PauseReason = reason };
    }
}
