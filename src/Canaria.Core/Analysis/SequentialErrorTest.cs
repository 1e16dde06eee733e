using System.Globalization;

namespace Canaria.Core.Analysis;

/// <summary>Result of the sequential error-rate test, with everything needed to explain it.</summary>
internal sealed record SequentialResult(Verdict Verdict, double LogLikelihoodRatio, double Lower, double Upper, double BaselineRate, double AlternativeRate, string Evidence);

/// <summary>
/// Wald's sequential probability ratio test on the canary's error rate against the stable version's rate over the
/// same window. H0: the canary fails like stable (p0); H1: it fails minEffect more (p1 = p0 + minEffect).
/// The log-likelihood ratio of the canary's cumulative counts is compared with Wald's bounds
/// ln((1-β)/α) (fail) and ln(β/(1-α)) (pass). Under H0 the likelihood ratio is a martingale, so evaluating it
/// on every tick keeps the false-abort probability of a step at most α (Ville's inequality) while a clearly bad
/// canary crosses the upper bound after a handful of requests. p0 is stable's rate with one pseudo-failure and one
/// pseudo-success, so a stable version with no failures yet does not make a single canary failure look damning.
/// </summary>
internal static class SequentialErrorTest
{
    public static SequentialResult Evaluate(
        long canaryRequests, long canaryFailures, long stableRequests, long stableFailures,
        double alpha, double beta, double minEffect, int minRequests)
    {
        var p0 = (stableFailures + 1.0) / (stableRequests + 2.0);
        var p1 = Math.Min(p0 + minEffect, 0.999);
        var (lower, upper) = Bounds(alpha, beta);
        var successes = canaryRequests - canaryFailures;
        var llr = (canaryFailures * Math.Log(p1 / p0)) + (successes * Math.Log((1 - p1) / (1 - p0)));

        var facts = string.Create(CultureInfo.InvariantCulture,
            $"errors canary {canaryFailures}/{canaryRequests} ({Rate(canaryFailures, canaryRequests)}) vs stable {stableFailures}/{stableRequests} ({Rate(stableFailures, stableRequests)}); SPRT H1 +{minEffect * 100:0.##}pp: LLR {llr:0.00} in ({lower:0.00}, {upper:0.00})");
        Verdict verdict;
        string outcome;
        if (llr >= upper)
            (verdict, outcome) = (Verdict.Fail, "canary error rate is higher than stable's");
        else if (canaryRequests < minRequests)
            (verdict, outcome) = (Verdict.Inconclusive, $"only {canaryRequests} canary requests (need {minRequests})");
        else if (llr <= lower)
            (verdict, outcome) = (Verdict.Pass, "canary error rate is not worse than stable's");
        else
            (verdict, outcome) = (Verdict.Pending, "collecting evidence");
        return new SequentialResult(verdict, llr, lower, upper, p0, p1, $"{outcome}: {facts}");
    }

    /// <summary>Wald's bounds on the log-likelihood ratio: at or below Lower passes, at or above Upper fails.</summary>
    public static (double Lower, double Upper) Bounds(double alpha, double beta) =>
        (Math.Log(beta / (1 - alpha)), Math.Log((1 - beta) / alpha));

    private static string Rate(long failures, long requests) =>
        requests == 0 ? "n/a" : (failures * 100.0 / requests).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
