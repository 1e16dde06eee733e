using Canaria.Core.Analysis;

namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// The recent history of one rollout for the dashboard's charts: per-version golden signals (one point per version per
/// sample) and the sequential test's log-likelihood ratio. Bounded: at most <see cref="SignalCapacity"/> and
/// <see cref="LlrCapacity"/> points (about 170 KB when both are full), the oldest dropped first. Written by the
/// controller loop, read by dashboard requests.
/// </summary>
internal sealed class RolloutSeries
{
    public const int SignalCapacity = 1800;
    public const int LlrCapacity = 1200;
    private static readonly TimeSpan LlrSpacing = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Ring<SignalPoint> _signals = new(SignalCapacity);
    private readonly Ring<LlrPoint> _llr = new(LlrCapacity);
    private readonly Dictionary<string, (DateTimeOffset At, MetricWindow Totals)> _previous = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LlrPoint> _lastLlr = new(StringComparer.Ordinal);

    /// <summary>Adds a point from the version's running totals now and at its previous sample (the first sample only remembers them).</summary>
    public void AddSignals(Func<long> nextSeq, DateTimeOffset now, string version, string role, int weight, MetricWindow totals)
    {
        lock (_gate)
        {
            var had = _previous.TryGetValue(version, out var previous);
            _previous[version] = (now, totals);
            if (!had || now <= previous.At) return;
            var requests = Math.Max(0, totals.Requests - previous.Totals.Requests);
            var failures = Math.Max(0, totals.Failures - previous.Totals.Failures);
            var latency = totals.Latency is { } l && previous.Totals.Latency is { } p ? l.Minus(p) : LatencyCounts.Empty;
            _signals.Add(new SignalPoint(nextSeq(), now, version, role, weight,
                requests / (now - previous.At).TotalSeconds,
                requests == 0 ? null : (requests - failures) / (double)requests,
                latency.Quantile(0.5), latency.Quantile(0.95), latency.Quantile(0.99)));
        }
    }

    /// <summary>Adds a point measured elsewhere (rates already computed, e.g. by Prometheus on a cluster).</summary>
    public void AddPoint(Func<long> nextSeq, SignalPoint point)
    {
        lock (_gate) _signals.Add(point with { Seq = nextSeq() });
    }

    /// <summary>Puts saved points back, in the order they were first recorded, with new sequence numbers.</summary>
    public void Restore(Func<long> nextSeq, SeriesFileRollout saved)
    {
        lock (_gate)
        {
            var signals = saved.Signals.OrderBy(p => p.Seq).ToList();
            var llr = saved.Llr.OrderBy(p => p.Seq).ToList();
            int s = 0, l = 0;
            while (s < signals.Count || l < llr.Count)
            {
                if (l >= llr.Count || (s < signals.Count && signals[s].Seq <= llr[l].Seq)) _signals.Add(signals[s++] with { Seq = nextSeq() });
                else _llr.Add(llr[l++] with { Seq = nextSeq() });
            }
        }
    }

    /// <summary>Forgets the totals of versions no longer running, so a version that comes back starts a fresh interval.</summary>
    public void Retain(IReadOnlySet<string> versions)
    {
        lock (_gate)
        {
            foreach (var gone in _previous.Keys.Where(v => !versions.Contains(v)).ToList()) _previous.Remove(gone);
        }
    }

    /// <summary>
    /// Records an evaluation of a sequential check. Evaluations come every controller tick (100 ms); one is kept per
    /// 250 ms per check, and always when the verdict or the step changes, so a crossing of a bound is never dropped.
    /// </summary>
    public void AddLlr(Func<long> nextSeq, LlrPoint point)
    {
        lock (_gate)
        {
            if (_lastLlr.TryGetValue(point.Check, out var last) && last.Step == point.Step && last.Verdict == point.Verdict
                && point.At - last.At < LlrSpacing)
                return;
            var kept = point with { Seq = nextSeq() };
            _lastLlr[point.Check] = kept;
            _llr.Add(kept);
        }
    }

    public SeriesSlice After(long seq, long newest)
    {
        lock (_gate)
        {
            return new SeriesSlice(newest, _signals.Where(p => p.Seq > seq), _llr.Where(p => p.Seq > seq));
        }
    }
}
