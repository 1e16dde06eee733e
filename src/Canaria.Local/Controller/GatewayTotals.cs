using Canaria.Core.Analysis;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Controller;

/// <summary>
/// Cumulative counts and latency histogram of one version since the gateway started recording it. Two readings
/// subtract to the exact counts of the time between them, so a comparison covers exactly "since the step's traffic
/// went live" for canary and stable alike (the rolling per-second windows would round to whole seconds).
/// </summary>
internal static class GatewayTotals
{
    private static readonly double[] BoundsMs = Enumerable.Range(0, LatencyBuckets.Count).Select(i => LatencyBuckets.UpperBoundMicros(i) / 1000.0).ToArray();

    public static MetricWindow Read(GoldenSignals signals, string service, string version)
    {
        var recorder = signals.Recorders.FirstOrDefault(r => r.Service == service && r.Version == version);
        if (recorder is null) return new MetricWindow { Latency = new LatencyCounts(BoundsMs, new long[BoundsMs.Length]) };
        var buckets = new long[LatencyBuckets.Count];
        recorder.CopyTotalBuckets(buckets);
        long requests = 0;
        for (var c = 0; c < 6; c++) requests += recorder.TotalForClass(c);
        return new MetricWindow { Requests = requests, Failures = recorder.TotalForClass(5), Latency = new LatencyCounts(BoundsMs, buckets) };
    }

    /// <summary>The counts between an earlier reading and a later one.</summary>
    public static MetricWindow Between(MetricWindow earlier, MetricWindow later, TimeSpan elapsed) => new()
    {
        Requests = Math.Max(0, later.Requests - earlier.Requests),
        Failures = Math.Max(0, later.Failures - earlier.Failures),
        Rps = (later.Requests - earlier.Requests) / Math.Max(0.001, elapsed.TotalSeconds),
        Latency = later.Latency!.Minus(earlier.Latency!),
    };
}
