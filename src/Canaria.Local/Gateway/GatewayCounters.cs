using Canaria.Core.Analysis;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Gateway;

/// <summary>
/// The controller's running totals per service × version, continuous across gateway processes: each reading of a
/// gateway's cumulative totals adds what grew since the previous reading of the same process (instance), and a process
/// read for the first time adds all it has (its counters started at zero). During a handover both processes are read, so
/// what the old one serves while it drains is counted too. Two values of these totals subtract to the exact counts
/// between them; only what a killed gateway served after its last reading (one tick) is never seen. Loop-only state.
/// </summary>
internal sealed class GatewayCounters
{
    private static readonly TimeSpan ForgetInstanceAfter = TimeSpan.FromMinutes(10);
    private static readonly double[] BoundsMs = [.. Enumerable.Range(0, LatencyBuckets.Count).Select(i => LatencyBuckets.UpperBoundMicros(i) / 1000.0)];
    private readonly Dictionary<(string Service, string Version), Running> _running = [];
    private readonly Dictionary<string, InstanceReading> _instances = new(StringComparer.Ordinal);

    /// <summary>The gateway instance of the last reading, or null before the first.</summary>
    public string? Instance { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    /// <summary>True when totals of this gateway process have been read (a mark of it can be placed in the running totals).</summary>
    public bool Knows(string instance) => _instances.ContainsKey(instance);

    public void Update(GatewayTotalsReply reply)
    {
        if (!_instances.TryGetValue(reply.Instance, out var instance))
            _instances[reply.Instance] = instance = new InstanceReading();
        instance.ReadAt = reply.At;
        foreach (var v in reply.Versions)
        {
            var key = (v.Service, v.Version);
            if (!_running.TryGetValue(key, out var running)) _running[key] = running = new Running();
            var last = instance.Last.GetValueOrDefault(key);
            Accumulate(running.Classes, last?.Classes, v.Classes);
            Accumulate(running.Buckets, last?.Buckets, v.Buckets);
            instance.Last[key] = v;
        }
        foreach (var stale in _instances.Where(kv => reply.At - kv.Value.ReadAt > ForgetInstanceAfter).Select(kv => kv.Key).ToList())
            _instances.Remove(stale);
        Instance = reply.Instance;
        ReadAt = reply.At;
    }

    /// <summary>The running totals of a version (zero when no gateway reported it).</summary>
    public MetricWindow Read(string service, string version) =>
        _running.TryGetValue((service, version), out var r) ? ToWindow(r.Classes, r.Buckets) : ToWindow(new long[VersionRecorder.StatusClasses], new long[LatencyBuckets.Count]);

    /// <summary>
    /// A mark of one gateway process in running-total terms: the running totals now, less what that process counted since
    /// the mark (as of its last reading).
    /// </summary>
    public MetricWindow FromMark(string instance, VersionTotals mark)
    {
        var key = (mark.Service, mark.Version);
        var running = _running.GetValueOrDefault(key) ?? new Running();
        var last = _instances.GetValueOrDefault(instance)?.Last.GetValueOrDefault(key);
        return ToWindow(Before(running.Classes, last?.Classes, mark.Classes), Before(running.Buckets, last?.Buckets, mark.Buckets));
    }

    private static long[] Before(long[] running, long[]? lastRaw, long[] markRaw)
    {
        var result = new long[running.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var since = Math.Max(0, At(lastRaw, i) - At(markRaw, i));
            result[i] = running[i] - since;
        }
        return result;
    }

    private static long At(long[]? values, int i) => values is not null && i < values.Length ? values[i] : 0;

    private static void Accumulate(long[] running, long[]? last, long[] now)
    {
        for (var i = 0; i < running.Length && i < now.Length; i++) running[i] += Math.Max(0, now[i] - At(last, i));
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

    private sealed class Running
    {
        public long[] Classes { get; } = new long[VersionRecorder.StatusClasses];
        public long[] Buckets { get; } = new long[LatencyBuckets.Count];
    }

    private sealed class InstanceReading
    {
        public DateTimeOffset ReadAt { get; set; }
        public Dictionary<(string Service, string Version), VersionTotals> Last { get; } = [];
    }
}
