using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Gateway.Metrics;

namespace Canaria.AnalysisBench;

/// <summary>A canary analysis policy fed one tick at a time; returns the abort reason once it decides to roll back.</summary>
internal interface IPolicy
{
    string? Observe(TimeSpan sinceStart, Traffic canary, Traffic stable);
}

/// <summary>
/// Canaria's built-in comparison with the product's defaults: the sequential error-rate test on every 100 ms tick and
/// Mann-Whitney on latency every interval (5 s), both on counts since the step's traffic went live, through CompareJudge.
/// </summary>
internal sealed class CanariaPolicy : IPolicy
{
    private static readonly double[] Bounds = Enumerable.Range(0, LatencyBuckets.Count).Select(i => LatencyBuckets.UpperBoundMicros(i) / 1000.0).ToArray();
    private static readonly CheckSpec Errors = new() { Name = "errors", Compare = new CompareSpec { Method = CompareMethod.Sequential } };
    private static readonly CheckSpec Latency = new() { Name = "latency", Compare = new CompareSpec { Method = CompareMethod.MannWhitney } };
    private static readonly TimeSpan Interval = new AnalysisSpec().Interval;
    private static readonly int MinRequests = new AnalysisSpec().MinRequests;
    private TimeSpan _nextLatency = Interval;

    public string? Observe(TimeSpan sinceStart, Traffic canary, Traffic stable)
    {
        var c = Window(canary);
        var s = Window(stable);
        var (verdict, _, evidence) = CompareJudge.Judge(Errors, c, s, MinRequests);
        if (verdict == Verdict.Fail) return "errors: " + evidence;
        if (sinceStart < _nextLatency) return null;
        _nextLatency += Interval;
        var latency = CompareJudge.Judge(Latency, c with { Latency = new LatencyCounts(Bounds, canary.Buckets) }, s with { Latency = new LatencyCounts(Bounds, stable.Buckets) }, MinRequests);
        return latency.Verdict == Verdict.Fail ? "latency: " + latency.Evidence : null;
    }

    private static MetricWindow Window(Traffic t) => new() { Requests = t.Requests, Failures = t.Failures };
}

/// <summary>
/// Flagger's defaults as a threshold-only policy: every interval (1 min) the canary's success rate over the last interval
/// must be ≥ 99% and its p99 ≤ 500 ms; the rollout rolls back after `threshold` (5) failed checks.
/// </summary>
internal sealed class FlaggerPolicy : IPolicy
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int Threshold = 5;
    private TimeSpan _next = Interval;
    private long _requestsAt, _failuresAt;
    private long[] _bucketsAt = new long[LatencyBuckets.Count];
    private int _failed;

    public string? Observe(TimeSpan sinceStart, Traffic canary, Traffic stable)
    {
        if (sinceStart < _next) return null;
        _next += Interval;
        var requests = canary.Requests - _requestsAt;
        var failures = canary.Failures - _failuresAt;
        var buckets = canary.Buckets.Select((b, i) => b - _bucketsAt[i]).ToArray();
        (_requestsAt, _failuresAt, _bucketsAt) = (canary.Requests, canary.Failures, (long[])canary.Buckets.Clone());
        var success = requests == 0 ? double.NaN : (requests - failures) / (double)requests;
        var p99 = LatencyBuckets.QuantileMs(buckets, requests, 0.99);
        if (success < 0.99 || p99 > 500) _failed++;
        return _failed >= Threshold ? $"{_failed} failed checks (last: success {success:P2}, p99 {p99:0} ms)" : null;
    }
}
