using System.Globalization;

namespace Canaria.Core.Analysis;

/// <summary>Outcome of a one-sided Mann-Whitney U test "canary slower than stable".</summary>
internal sealed record MannWhitneyResult(Verdict Verdict, double U, double Z, double PValue, double Effect, string Evidence);

/// <summary>
/// Mann-Whitney U on binned latencies: each bucket is a group of ties. Normal approximation with tie correction
/// and continuity correction; one-sided (is the canary slower?). Effect = U / (n1·n2), the probability that a canary
/// request is slower than a stable one (ties count half). A fail needs both p &lt; alpha and effect ≥ 0.5 + minEffect,
/// so a large sample does not turn a negligible difference into an abort.
/// </summary>
internal static class MannWhitney
{
    public static MannWhitneyResult Test(LatencyCounts canary, LatencyCounts stable, double alpha, double minEffect, int minRequests)
    {
        double n1 = canary.Total, n2 = stable.Total;
        if (n1 < minRequests || n2 < minRequests)
            return new(Verdict.Inconclusive, 0, 0, 1, 0.5, string.Create(CultureInfo.InvariantCulture, $"latency Mann-Whitney: only {n1} canary and {n2} stable samples (need {minRequests} each)"));

        var buckets = Math.Max(canary.Counts.Count, stable.Counts.Count);
        double u = 0, stableBelow = 0, ties = 0;
        for (var i = 0; i < buckets; i++)
        {
            double c = canary.At(i), s = stable.At(i);
            u += c * (stableBelow + (0.5 * s));
            stableBelow += s;
            var t = c + s;
            ties += (t * t * t) - t;
        }

        var n = n1 + n2;
        var mean = n1 * n2 / 2;
        var variance = n1 * n2 / 12 * (n + 1 - (ties / (n * (n - 1))));
        var effect = u / (n1 * n2);
        double z = 0, p = 1;
        if (variance > 0)
        {
            z = (u - mean - 0.5) / Math.Sqrt(variance);
            p = Normal.UpperTail(z);
        }

        var medians = $"median canary {canary.Quantile(0.5):0.#} ms vs stable {stable.Quantile(0.5):0.#} ms";
        var facts = string.Create(CultureInfo.InvariantCulture, $"{medians}, n {n1}/{n2}, U {u:0}, z {z:0.00}, p {p:0.####}, P(canary slower) {effect:0.###}");
        var fail = p < alpha && effect >= 0.5 + minEffect;
        var outcome = fail ? "canary latency is higher than stable's" : "canary latency is not worse than stable's";
        return new(fail ? Verdict.Fail : Verdict.Pass, u, z, p, effect, $"{outcome} (Mann-Whitney, alpha {alpha.ToString(CultureInfo.InvariantCulture)}): {facts}");
    }
}
