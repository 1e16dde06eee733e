using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Gateway.Metrics;

namespace Canaria.AnalysisBench;

/// <summary>
/// Canaria on Kubernetes: the same judges and defaults as <see cref="CanariaPolicy"/>, but fed as the controller is
/// fed there, from Prometheus: the proxies' counters are scraped every <c>scrape</c> (first scrape at a random phase),
/// and every analysis interval (5 s) both sides' increase() since the step went live is read and rounded, as
/// PrometheusCompareSource does. Until a window holds two scrapes there is no data (inconclusive, never a pass).
/// </summary>
internal sealed class PrometheusPolicy(TimeSpan scrape, TimeSpan phase) : IPolicy
{
    private static readonly double[] Bounds = Enumerable.Range(0, LatencyBuckets.Count).Select(i => LatencyBuckets.UpperBoundMicros(i) / 1000.0).ToArray();
    private static readonly CheckSpec Errors = new() { Name = "errors", Compare = new CompareSpec { Method = CompareMethod.Sequential } };
    private static readonly CheckSpec Latency = new() { Name = "latency", Compare = new CompareSpec { Method = CompareMethod.MannWhitney } };
    private static readonly TimeSpan Interval = new AnalysisSpec().Interval;
    private static readonly int MinRequests = new AnalysisSpec().MinRequests;
    private readonly Side _canary = new(), _stable = new();
    private TimeSpan _nextScrape = phase, _nextCheck = Interval;

    public string? Observe(TimeSpan sinceStart, Traffic canary, Traffic stable)
    {
        if (sinceStart >= _nextScrape)
        {
            _canary.Scrape(sinceStart, canary);
            _stable.Scrape(sinceStart, stable);
            _nextScrape += scrape;
        }
        if (sinceStart < _nextCheck) return null;
        _nextCheck += Interval;
        if (_canary.Window(sinceStart) is not { } c || _stable.Window(sinceStart) is not { } s) return null; // no data yet
        var (verdict, _, evidence) = CompareJudge.Judge(Errors, c, s, MinRequests);
        if (verdict == Verdict.Fail) return "errors: " + evidence;
        var latency = CompareJudge.Judge(Latency, c, s, MinRequests);
        return latency.Verdict == Verdict.Fail ? "latency: " + latency.Evidence : null;
    }

    /// <summary>One version's scraped series: requests, failures and each latency bucket.</summary>
    private sealed class Side
    {
        private readonly ScrapedCounter _requests = new(), _failures = new();
        private readonly ScrapedCounter[] _buckets = Enumerable.Range(0, LatencyBuckets.Count).Select(_ => new ScrapedCounter()).ToArray();

        public void Scrape(TimeSpan at, Traffic t)
        {
            _requests.Scrape(at, t.Requests);
            _failures.Scrape(at, t.Failures);
            for (var i = 0; i < _buckets.Length; i++) _buckets[i].Scrape(at, t.Buckets[i]);
        }

        /// <summary>The counts since the step went live (time 0), as increase(...[window]) at <paramref name="now"/> answers them.</summary>
        public MetricWindow? Window(TimeSpan now)
        {
            if (_requests.Increase(TimeSpan.Zero, now) is not { } requests || Math.Round(requests) == 0) return null;
            var failures = _failures.Increase(TimeSpan.Zero, now) ?? 0;
            var buckets = _buckets.Select(b => (long)Math.Round(b.Increase(TimeSpan.Zero, now) ?? 0)).ToArray();
            var count = (long)Math.Round(requests);
            return new MetricWindow { Requests = count, Failures = Math.Min(count, (long)Math.Round(failures)), Latency = new LatencyCounts(Bounds, buckets) };
        }
    }
}
