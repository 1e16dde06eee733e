using Canaria.Core.Analysis;

namespace Canaria.Core.Engine;

/// <summary>Folds new measurements into the per-check tallies: too many failures abort, too many inconclusive ones pause.</summary>
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
        var checks = s.Checks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var m in ctx.Observation.Measurements.OrderBy(m => m.At))
        {
            if (m.CanaryRevision != canary || !checks.TryGetValue(m.Check, out var c)) continue;
            c = c with
            {
                LastVerdict = m.Verdict,
                LastValue = m.Value,
                Evidence = m.Evidence,
                MeasuredAt = m.At,
                Measurements = c.Measurements + 1,
                StepPasses = c.StepPasses + (m.Verdict == Verdict.Pass && m.StepIndex == s.StepIndex ? 1 : 0),
                Failures = c.Failures + (m.Verdict == Verdict.Fail ? 1 : 0),
                ConsecutiveInconclusive = m.Verdict == Verdict.Inconclusive ? c.ConsecutiveInconclusive + 1 : 0,
            };
            checks[m.Check] = c;
            if (m.Verdict == Verdict.Fail)
                ctx.Warning("AnalysisFailed", $"check '{c.Name}' failed ({c.Failures} of {analysis.FailureLimit + 1} allowed before abort): {m.Evidence}");
        }

        s = s with { Checks = s.Checks.Select(c => checks[c.Name]).ToList() };
        var failed = s.Checks.FirstOrDefault(c => c.Failures > analysis.FailureLimit);
        if (failed is not null)
            return Transitions.Abort(ctx, s, $"analysis check '{failed.Name}' failed: {failed.Evidence}");

        var unsure = s.Checks.FirstOrDefault(c => c.ConsecutiveInconclusive > analysis.InconclusiveLimit);
        if (unsure is not null && !s.Paused)
        {
            var reason = $"analysis check '{unsure.Name}' was inconclusive {unsure.ConsecutiveInconclusive} times in a row ({unsure.Evidence}); a human must decide: promote, resume or abort";
            ctx.Warning("AnalysisInconclusive", reason);
            return s with { Paused = true, PausedAt = ctx.Now, PauseReason = reason };
        }
        return s;
    }

    public static bool StepPassed(EngineContext ctx, RolloutStatus s) =>
        ctx.Spec.Analysis is not { } a || s.Checks.All(c => c.StepPasses >= a.StepPasses);

    public static RolloutStatus ResetStepPasses(RolloutStatus s) =>
        s with { Checks = s.Checks.Select(c => c with { StepPasses = 0 }).ToList() };
}
