using Canaria.Core.Analysis;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Gateway;

/// <summary>
/// The controller's running totals per service × version, continuous across gateway restarts: each reading of the
/// gateway's cumulative totals adds what grew since the previous reading of the same gateway instance, and a new instance
/// (its counters start at zero) adds all it has. Two values of these totals subtract to the exact counts between them, so
/// a comparison "since the step went live" neither double-counts nor loses requests when the gateway is replaced; only
/// what a killed gateway served after the last reading (one tick) is never seen. Loop-only state.
/// </summary>
internal sealed class GatewayCounters
{
    private static readonly double[] BoundsMs = [.. Enumerable.Range(0, LatencyBuckets.Count).Select(i => LatencyBuckets.UpperBoundMicros(i) / 1000.0)];
    private readonly Dictionary<(string Service, string Version), Counter> _counters = [];

    /// <summary>The gateway instance of the last reading, or null before the first.</summary>
    public string? Instance { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    public void Update(GatewayTotalsReply reply)
    {
        var sameInstance = reply.Instance == Instance;
        if (!sameInstance)
        {
            foreach (var c in _counters.Values) c.Rebase();
        }

        foreach (var v in reply.Versions)
        {
            if (!_counters.TryGetValue((v.Service, v.Version), out var counter))
                _counters[(v.Service, v.Version)] = counter = new Counter();
            counter.Add(v);
        }

        Instance = reply.Instance;
        ReadAt = reply.At;
    }

    /// <summary>The running totals of a version (zero when the gateway never reported it).</summary>
    public MetricWindow Read(string service, string version) =>
        _counters.TryGetValue((service, version), out var c) ? ToWindow(c.Classes, c.Buckets) : ToWindow(new long[VersionRecorder.StatusClasses], new long[LatencyBuckets.Count]);

    /// <summary>A gateway mark (raw totals of the instance read last) in running-total terms.</summary>
    public MetricWindow FromMark(VersionTotals mark)
    {
        if (!_counters.TryGetValue((mark.Service, mark.Version), out var c)) return ToWindow(mark.Classes, mark.Buckets);
        return ToWindow(Shift(mark.Classes, c.Classes, c.LastClasses), Shift(mark.Buckets, c.Buckets, c.LastBuckets));
    }

    private static long[] Shift(long[] raw, long[] running, long[] lastRaw)
    {
        var result = new long[running.Length];
        for (var i = 0; i < result.Length; i++) result[i] = (i < raw.Length ? raw[i] : 0) + running[i] - lastRaw[i];
        return result;
    }

    private static MetricWindow ToWindow(long[] classes, long[] buckets)
    {
        long requests = 0;
        foreach (var n in classes) requests += n;
        return new MetricWindow
        {
            Requests = requests,
            Failures = classes.Length > 5 ? classes[5] : 0,
            Latency = new LatencyCounts(BoundsMs, [.. buckets]),
        };
    }

    private sealed class Counter
    {
        public long[] Classes { get; } = new long[VersionRecorder.StatusClasses];
        public long[] Buckets { get; } = new long[LatencyBuckets.Count];
        public long[] LastClasses { get; private set; } = new long[VersionRecorder.StatusClasses];
        public long[] LastBuckets { get; private set; } = new long[LatencyBuckets.Count];

        public void Rebase()
        {
            LastClasses = new long[LastClasses.Length];
            LastBuckets = new long[LastBuckets.Length];
        }

        public void Add(VersionTotals v)
        {
            Accumulate(Classes, LastClasses, v.Classes);
            Accumulate(Buckets, LastBuckets, v.Buckets);
            LastClasses = Pad(v.Classes, Classes.Length);
            LastBuckets = Pad(v.Buckets, Buckets.Length);
        }

        private static void Accumulate(long[] running, long[] last, long[] now)
        {
            for (var i = 0; i < running.Length && i < now.Length; i++) running[i] += Math.Max(0, now[i] - last[i]);
        }

        private static long[] Pad(long[] values, int length)
        {
            var copy = new long[length];
            Array.Copy(values, copy, Math.Min(length, values.Length));
            return copy;
        }
    }
}
