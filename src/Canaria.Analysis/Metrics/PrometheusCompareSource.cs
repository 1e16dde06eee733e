using System.Globalization;
using System.Net.Http.Headers;
using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Analysis.Metrics;

/// <summary>
/// A `compare: stable` check on Kubernetes: both sides' request and error counts (sequential test) or latency
/// histograms (Mann-Whitney, percentile) over the same window, read from Prometheus at the same instant and judged
/// by the same engine code as the local gateway's counts. No series, zero requests, a value that is no count, or a
/// Prometheus that fails: never a verdict on the canary, always the reason with the query that caused it.
/// </summary>
internal sealed class PrometheusCompareSource(HttpClient http, TimeSpan timeout)
{
    /// <param name="query">The window (From = the step went live) and the placeholders; Version is replaced per side.</param>
    public async Task<Measurement> MeasureAsync(CheckSpec check, CompareTargets targets, CheckQuery query, int minRequests, int canaryRevision, int stepIndex, CancellationToken ct)
    {
        var (auth, authError) = SourceAuth.Header(check.Auth);
        Measurement Result(Verdict v, double? value, string evidence) => new(check.Name, v, value, evidence, query.To, canaryRevision, stepIndex);
        if (authError is not null) return Result(Verdict.Error, null, authError);

        var latency = check.Compare!.Method != CompareMethod.Sequential;
        var canaryTask = ReadSideAsync("the canary", check, targets.Queries, query with { Version = targets.Canary }, latency, auth, ct);
        var stableTask = ReadSideAsync("stable", check, targets.Queries, query with { Version = targets.Stable }, latency, auth, ct);
        var (canary, stable) = (await canaryTask.ConfigureAwait(false), await stableTask.ConfigureAwait(false));
        var source = string.Create(CultureInfo.InvariantCulture, $"prometheus ({targets.Queries.Origin}, {QueryTemplate.Render("{{window}}", query)} since the step went live)");
        foreach (var side in new[] { canary, stable })
        {
            if (side.Problem is { } problem)
                return Result(side.SourceFailed ? Verdict.Error : Verdict.Inconclusive, null, $"{source}: {problem}");
        }

        var elapsed = Math.Max(1, (query.To - query.From).TotalSeconds);
        MetricWindow Window(CompareSide s, LatencyCounts? l) => new() { Requests = s.Requests, Failures = s.Failures, Rps = s.Requests / elapsed, Latency = l };
        var (canaryLatency, stableLatency) = latency ? CompareSide.Aligned(canary.Buckets!, stable.Buckets!) : (null, null);
        var (verdict, value, evidence) = CompareJudge.Judge(check, Window(canary, canaryLatency), Window(stable, stableLatency), minRequests);
        return Result(verdict, value, $"{source}: {evidence}");
    }

    private async Task<CompareSide> ReadSideAsync(string side, CheckSpec check, CompareQueries queries, CheckQuery query, bool latency, AuthenticationHeaderValue? auth,
        CancellationToken ct)
    {
        if (latency)
        {
            var (buckets, bucketsError, shown) = await RunAsync(check, queries.LatencyBuckets ?? "", query, auth, ct).ConfigureAwait(false);
            if (bucketsError is not null) return CompareSide.Failed(side, bucketsError);
            if (buckets!.Count == 0) return CompareSide.Unusable(side, $"no data: {side}'s latencyBuckets query returned no series: {shown}");
            if (CompareSide.Histogram(buckets, queries.ToMilliseconds, $"{side}'s latencyBuckets query", out var problem) is not { } histogram)
                return CompareSide.Unusable(side, problem!);
            var total = (long)Math.Round(histogram.Count == 0 ? 0 : histogram.Max(b => b.Cumulative));
            return total == 0
                ? CompareSide.Unusable(side, $"no data: 0 requests of {side} in the window ({shown})")
                : new CompareSide(side, total, 0, histogram, null);
        }

        var (requests, requestsError, requestsShown) = await RunAsync(check, queries.Requests, query, auth, ct).ConfigureAwait(false);
        if (requestsError is not null) return CompareSide.Failed(side, requestsError);
        if (requests!.Count == 0) return CompareSide.Unusable(side, $"no data: {side}'s requests query returned no series: {requestsShown}");
        if (CompareSide.Count(requests, $"{side}'s requests query", out var bad) is not { } requested) return CompareSide.Unusable(side, bad!);
        var count = (long)Math.Round(requested);
        if (count == 0) return CompareSide.Unusable(side, $"no data: 0 requests of {side} in the window ({requestsShown})");

        var (errors, errorsError, _) = await RunAsync(check, queries.Errors, query, auth, ct).ConfigureAwait(false);
        if (errorsError is not null) return CompareSide.Failed(side, errorsError);
        // No series of failed requests is none failed: a counter with a 5xx label appears only after the first one.
        if (CompareSide.Count(errors!, $"{side}'s errors query", out bad) is not { } failures) return CompareSide.Unusable(side, bad!);
        // Two increases extrapolated separately can put errors a fraction above requests: never more failures than requests.
        return new CompareSide(side, count, Math.Min(count, (long)Math.Round(failures)), null, null);
    }

    private async Task<(IReadOnlyList<PrometheusSample>? Samples, string? Error, string Shown)> RunAsync(CheckSpec check, string template, CheckQuery query,
        AuthenticationHeaderValue? auth, CancellationToken ct)
    {
        var promql = QueryTemplate.Render(template, query);
        var shown = promql.Length > 160 ? promql[..160] + "…" : promql;
        var (samples, error) = await PrometheusVector.QueryAsync(http, timeout, check.Address!, auth, promql, query.To, ct).ConfigureAwait(false);
        return (samples, error is null ? null : $"{error} ({shown})", shown);
    }
}
