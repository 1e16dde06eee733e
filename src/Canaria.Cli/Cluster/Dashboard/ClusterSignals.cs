using System.Collections.Concurrent;
using Canaria.Cli.Cluster.Stat;
using Canaria.Local.Dashboard;
using Canaria.Local.Dashboard.Series;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// Golden-signal chart points of the Rollouts a page has open, read from the data plane's Prometheus with the queries of
/// `kubectl canaria stat` (<see cref="StatReading"/>): one read per Rollout at most every <see cref="PollInterval"/>,
/// however many pages show it, and only while one does (a page asks every half second). A read runs off the page's
/// request; a failed read becomes the charts' note and never breaks the page. Points are kept as the local controller
/// keeps them (<see cref="RolloutSeries"/>, bounded).
/// </summary>
internal sealed class ClusterSignals(PrometheusClient client, Uri address, string window, string ns, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Watched> _rollouts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private long _seq;

    /// <summary>The points newer than <paramref name="after"/>; starts a read when one is due (<paramref name="view"/>: the Rollout as last listed).</summary>
    public SeriesSlice After(string name, long after, ClusterRolloutView? view)
    {
        var now = time.GetUtcNow();
        var watched = _rollouts.GetOrAdd(name, _ => new Watched());
        watched.AskedAt = now;
        if (view is not null && !_stop.IsCancellationRequested && now - watched.ReadAt >= PollInterval && Interlocked.CompareExchange(ref watched.Reading, 1, 0) == 0)
        {
            watched.ReadAt = now;
            _ = Task.Run(() => ReadAsync(name, watched, view, now), CancellationToken.None);
        }
        foreach (var gone in _rollouts.Where(p => now - p.Value.AskedAt > Forget).Select(p => p.Key).ToList()) _rollouts.TryRemove(gone, out _);
        return watched.Series.After(after, Interlocked.Read(ref _seq));
    }

    public DashboardNote Note(string name) =>
        _rollouts.TryGetValue(name, out var watched) && watched.Note is { } note ? note : new DashboardNote($"Reading golden signals from Prometheus at {address}…", false);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ReadAsync(string name, Watched watched, ClusterRolloutView view, DateTimeOffset now)
    {
        try
        {
            var queries = StatReading.Queries(view, ns, out var why);
            if (queries is null)
            {
                watched.Note = new DashboardNote($"No golden signals: Rollout {name} {why}", true);
                return;
            }
            var reading = await StatReading.ReadAsync(client, queries, window, view, _stop.Token).ConfigureAwait(false);
            if (reading.Failure is { } failure)
            {
                watched.Note = new DashboardNote(failure.Error, true);
                return;
            }
            if (reading.NoSeries)
            {
                watched.Note = new DashboardNote($"Prometheus at {address} {queries.NoSeries(name, ns, window)}", true);
                return;
            }
            var canaryWeight = ClusterRolloutView.Int(view.Status?["weight"]) ?? 0;
            var sets = view.ReplicaSets();
            var hasCanary = reading.Versions.Any(v => v.Version == "canary");
            foreach (var v in reading.Versions)
            {
                // Named as the traffic split names them (the ReplicaSet's images) when known, else by the data plane's label.
                var shown = sets.FirstOrDefault(s => s.Role == v.Version)?.Images is { Length: > 0 } images ? images : v.Backend;
                var weight = v.Version == "canary" ? canaryWeight : hasCanary ? 100 - canaryWeight : 100;
                watched.Series.AddPoint(Next, new SignalPoint(0, now, shown, v.Version, weight, v.Rps ?? 0, v.SuccessRate, v.P50Ms, v.P95Ms, v.P99Ms));
            }
            watched.Note = new DashboardNote($"{queries.Router} metrics from Prometheus at {address}: rates over {window}, read every {PollInterval.TotalSeconds:0}s", false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            watched.Note = new DashboardNote($"reading Prometheus at {address} failed: {e.Message}", true); // the charts say so; the page goes on
        }
        finally
        {
            Volatile.Write(ref watched.Reading, 0);
        }
    }

    private long Next() => Interlocked.Increment(ref _seq);

    private sealed class Watched
    {
        public int Reading;

        public RolloutSeries Series { get; } = new();
        public DateTimeOffset AskedAt { get; set; }
        public DateTimeOffset ReadAt { get; set; } = DateTimeOffset.MinValue;
        public DashboardNote? Note { get; set; }
    }
}
