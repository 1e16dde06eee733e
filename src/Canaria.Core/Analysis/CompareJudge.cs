using Canaria.Core.Model;

namespace Canaria.Core.Analysis;

/// <summary>Judges a `compare: stable` check on canary and stable windows covering the same time.</summary>
internal static class CompareJudge
{
    public static (Verdict Verdict, double? Value, string Evidence) Judge(CheckSpec check, MetricWindow? canary, MetricWindow? stable, int minRequests)
    {
        var compare = check.Compare ?? new CompareSpec();
        if (canary is null || stable is null)
            return (Verdict.Inconclusive, null, "no data from the metric source for " + (canary is null ? "the canary" : "stable"));
        switch (compare.Method)
        {
            case CompareMethod.Sequential:
                var r = SequentialErrorTest.Evaluate(canary.Requests, canary.Failures, stable.Requests, stable.Failures, compare.EffectiveAlpha, compare.Beta, compare.EffectiveMinEffect, minRequests);
                return (r.Verdict, r.LogLikelihoodRatio, r.Evidence);
            case CompareMethod.MannWhitney:
                var m = MannWhitney.Test(canary.Latency ?? LatencyCounts.Empty, stable.Latency ?? LatencyCounts.Empty, compare.EffectiveAlpha, compare.EffectiveMinEffect, minRequests);
                return (m.Verdict, m.Verdict == Verdict.Inconclusive ? null : m.PValue, m.Evidence);
            default:
                return PercentileJudge.Judge(canary.Latency ?? LatencyCounts.Empty, stable.Latency ?? LatencyCounts.Empty, compare.Quantile, compare.Tolerance, minRequests);
        }
    }
}
