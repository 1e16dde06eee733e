using System.Globalization;

namespace Canaria.Core.Analysis;

/// <summary>"Canary pXX at most tolerance above stable's pXX" on the same window.</summary>
internal static class PercentileJudge
{
    public static (Verdict Verdict, double? Value, string Evidence) Judge(LatencyCounts canary, LatencyCounts stable, double quantile, double tolerance, int minRequests)
    {
        var name = "p" + (quantile * 100).ToString("0.#", CultureInfo.InvariantCulture);
        long n1 = canary.Total, n2 = stable.Total;
        if (n1 < minRequests || n2 < minRequests)
            return (Verdict.Inconclusive, null, $"latency {name}: only {n1} canary and {n2} stable samples (need {minRequests} each)");
        if (canary.Quantile(quantile) is not { } c || stable.Quantile(quantile) is not { } s || double.IsNaN(c) || double.IsNaN(s))
            return (Verdict.Inconclusive, null, $"latency {name}: no value (NaN)");

        var limit = s * (1 + tolerance);
        var facts = string.Create(CultureInfo.InvariantCulture, $"canary {name} {c:0.#} ms vs stable {s:0.#} ms (limit {limit:0.#} ms = +{tolerance * 100:0.#}%), n {n1}/{n2}");
        return c > limit
            ? (Verdict.Fail, c, $"canary latency is too high: {facts}")
            : (Verdict.Pass, c, $"canary latency is within tolerance: {facts}");
    }
}
