using System.Collections.Concurrent;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Local.Controller;
using Canaria.Local.Gateway;

namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// Short in-memory time series of every rollout, fed by the controller loop: golden signals sampled from the gateway
/// totals the loop reads anyway (no extra request to the gateway), and each evaluation of a sequential check. Memory is
/// bounded per rollout (see <see cref="RolloutSeries"/>); a deleted rollout's series goes with it. Saved in the state
/// directory and restored by the next controller (<see cref="SeriesFile"/>, <see cref="SeriesSaver"/>).
/// </summary>
internal sealed class SeriesBook(TimeProvider time)
{
    /// <summary>How often golden signals are sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, RolloutSeries> _rollouts = new(StringComparer.Ordinal);
    private DateTimeOffset _lastSample = DateTimeOffset.MinValue;
    private long _seq;

    /// <summary>The newest sequence number handed out.</summary>
    public long Seq => Interlocked.Read(ref _seq);

    /// <summary>Called by the loop every tick; samples at most once per <see cref="SampleInterval"/>.</summary>
    public void Sample(IEnumerable<ManagedRollout> rollouts, GatewayCounters counters)
    {
        var now = time.GetUtcNow();
        if (now - _lastSample < SampleInterval) return;
        _lastSample = now;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rollouts)
        {
            seen.Add(r.Name);
            if (r.Spec.Service is not { } service) continue;
            var series = _rollouts.GetOrAdd(r.Name, _ => new RolloutSeries());
            var versions = new HashSet<string>(StringComparer.Ordinal);
            foreach (var revision in r.DesiredReplicas.Keys)
            {
                var version = RevisionNames.Version(r, revision);
                versions.Add(version);
                series.AddSignals(Next, now, version, RolloutViews.Role(r.Status, revision), RolloutViews.Weight(r.AppliedTraffic, revision),
                    counters.Read(service.Name, version));
            }
            series.Retain(versions);
        }
        foreach (var gone in _rollouts.Keys.Where(k => !seen.Contains(k)).ToList()) _rollouts.TryRemove(gone, out _);
    }

    /// <summary>Called by analysis for every evaluation of a sequential check.</summary>
    public void Sequential(string rollout, CheckSpec check, int step, DateTimeOffset at, double llr, Verdict verdict)
    {
        var compare = check.Compare ?? new CompareSpec();
        var (lower, upper) = SequentialErrorTest.Bounds(compare.EffectiveAlpha, compare.Beta);
        _rollouts.GetOrAdd(rollout, _ => new RolloutSeries())
            .AddLlr(Next, new LlrPoint(0, at, check.Name, step, llr, lower, upper, verdict.ToString()));
    }

    /// <summary>The points of a rollout newer than <paramref name="seq"/> (0: all it holds).</summary>
    public SeriesSlice After(string rollout, long seq)
    {
        var newest = Seq;
        return _rollouts.TryGetValue(rollout, out var series) ? series.After(seq, newest) : SeriesSlice.Empty(newest);
    }

    /// <summary>Every rollout's points, for <see cref="SeriesFile"/>.</summary>
    public SeriesFileData ToFile()
    {
        var newest = Seq;
        var rollouts = new Dictionary<string, SeriesFileRollout>(StringComparer.Ordinal);
        foreach (var (name, series) in _rollouts)
        {
            var slice = series.After(0, newest);
            rollouts[name] = new SeriesFileRollout(slice.Signals, slice.Llr);
        }
        return new SeriesFileData(SeriesFileData.CurrentFormat, time.GetUtcNow(), rollouts);
    }

    /// <summary>Puts saved points back (at start, before the loop samples; a rollout that is gone by the first sample loses them).</summary>
    public void Restore(SeriesFileData saved)
    {
        foreach (var (name, rollout) in saved.Rollouts) _rollouts.GetOrAdd(name, _ => new RolloutSeries()).Restore(Next, rollout);
    }

    private long Next() => Interlocked.Increment(ref _seq);
}
