using System.Collections.Concurrent;

namespace Canaria.Gateway.Metrics;

/// <summary>
/// Per service × version golden signals. Recorders live as long as the version is configured (and a
/// few minutes after, so a removed canary can still be judged), whatever configs come and go.
/// Queries read the recorders without stopping writers.
/// </summary>
internal sealed class GoldenSignals(TimeProvider time)
{
    /// <summary>Version name under which requests that no version could serve (503) are counted.</summary>
    public const string UnroutedVersion = "(unrouted)";

    /// <summary>
    /// Version name under which a listener counts requests no service matched (the gateway's own 404s, client
    /// errors); the service name of that recorder is the listener's name.
    /// </summary>
    public const string NoRouteVersion = "(no route)";

    private static readonly TimeSpan KeepRemovedFor = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<(string Service, string Version), VersionRecorder> _recorders = new();

    public TimeProvider Time { get; } = time;

    public long NowSecond => Time.GetTimestamp() / Time.TimestampFrequency;

    public IEnumerable<VersionRecorder> Recorders => _recorders.Values.OrderBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal);

    public VersionRecorder GetRecorder(string service, string version) =>
        _recorders.GetOrAdd((service, version), static (key, self) => new VersionRecorder(key.Service, key.Version, self.NowSecond), this);

    public void Record(VersionRecorder recorder, int statusCode, long elapsedTimestampTicks)
    {
        var micros = elapsedTimestampTicks * 1_000_000 / Time.TimestampFrequency;
        recorder.Record(statusCode, micros, NowSecond);
    }

    /// <summary>Cumulative totals of a version (all zero when it has not been recorded).</summary>
    public VersionTotals Totals(string service, string version) =>
        _recorders.TryGetValue((service, version), out var recorder)
            ? VersionTotals.Of(recorder)
            : new VersionTotals(service, version, new long[VersionRecorder.StatusClasses], new long[LatencyBuckets.Count]);

    /// <summary>Counts a request the client broke (never a failure or a request of the version).</summary>
    public void RecordClientError(VersionRecorder recorder, ClientErrorKind kind) => recorder.RecordClientError(kind, NowSecond);

    public static bool IsPseudoVersion(string version) => version is UnroutedVersion or NoRouteVersion;

    public VersionSignals Query(string service, string version, TimeSpan window)
    {
        var seconds = WindowSeconds(window);
        if (!_recorders.TryGetValue((service, version), out var recorder))
        {
            return new VersionSignals { Service = service, Version = version, Window = TimeSpan.FromSeconds(seconds), Latency = LatencyHistogram.Empty };
        }

        return Summarize(recorder, seconds);
    }

    public IReadOnlyList<VersionSignals> QueryAll(TimeSpan window)
    {
        var seconds = WindowSeconds(window);
        var result = new List<VersionSignals>();
        foreach (var recorder in Recorders)
        {
            var signals = Summarize(recorder, seconds);
            if (!IsPseudoVersion(recorder.Version) || signals.Requests > 0 || signals.ClientErrors > 0)
            {
                result.Add(signals);
            }
        }

        return result;
    }

    /// <summary>Drops recorders of versions no longer configured and idle for a while (bounded memory under config churn).</summary>
    public void Retain(IReadOnlySet<(string Service, string Version)> live)
    {
        var idleLimit = NowSecond - (long)KeepRemovedFor.TotalSeconds;
        foreach (var (key, recorder) in _recorders)
        {
            if (!live.Contains(key) && recorder.LastActivitySecond < idleLimit)
            {
                _recorders.TryRemove(key, out _);
            }
        }
    }

    private VersionSignals Summarize(VersionRecorder recorder, int seconds)
    {
        var nowTicks = Time.GetTimestamp();
        var frequency = Time.TimestampFrequency;
        var nowSecond = nowTicks / frequency;
        Span<long> buckets = stackalloc long[LatencyBuckets.Count];
        var (requests, failures) = recorder.Sum(nowSecond, seconds, buckets);

        // The window covers the current partial second and the (seconds - 1) before it, but not before the recorder existed.
        var windowStart = Math.Max((nowSecond - seconds + 1) * frequency, recorder.CreatedSecond * frequency);
        var elapsed = Math.Max(1.0, (double)(nowTicks - windowStart) / frequency);
        return new VersionSignals
        {
            Service = recorder.Service,
            Version = recorder.Version,
            Window = TimeSpan.FromSeconds(seconds),
            Requests = requests,
            Successes = requests - failures,
            Failures = failures,
            ClientErrors = recorder.SumClientErrors(nowSecond, seconds),
            Rps = requests / elapsed,
            P50Ms = LatencyBuckets.QuantileMs(buckets, requests, 0.50),
            P95Ms = LatencyBuckets.QuantileMs(buckets, requests, 0.95),
            P99Ms = LatencyBuckets.QuantileMs(buckets, requests, 0.99),
            Latency = LatencyHistogram.From(buckets),
        };
    }

    private static int WindowSeconds(TimeSpan window) =>
        (int)Math.Clamp(Math.Ceiling(window.TotalSeconds), 1, VersionRecorder.MaxWindowSeconds);
}
