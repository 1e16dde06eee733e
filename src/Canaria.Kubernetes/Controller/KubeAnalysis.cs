using System.Collections.Concurrent;
using Canaria.Analysis.Checks;
using Canaria.Analysis.Metrics;
using Canaria.Analysis.Webhooks;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The reconciler's analysis shell on Kubernetes: runs a rollout's Prometheus and web checks in the engine's
/// analysis window (comparisons with stable read both sides' counts since the step went live) and calls its webhook gates, always off the reconcile worker (one request in flight per check,
/// each bounded by a timeout), and hands what arrived to the next reconcile. A result wakes its rollout at once.
/// Timing survives a restart: a check is due by the time of its last measurement in the stored status.
/// </summary>
internal sealed class KubeAnalysis(TimeProvider time, TimeSpan metricTimeout, ILogger logger)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly IReadOnlyDictionary<MetricProvider, IValueSource> _sources = RemoteCheck.Sources(Http, metricTimeout);
    private readonly PrometheusCompareSource _compare = new(Http, metricTimeout);
    private readonly WebhookRunner _webhooks = new(Http, time, logger);
    private readonly ConcurrentDictionary<string, KubeAnalysisState> _rollouts = new(StringComparer.Ordinal);
    private static readonly TimeSpan GateAskedAgain = TimeSpan.FromSeconds(1.05);

    /// <summary>Queues a rollout's reconcile (by namespace/name key) when one of its measurements or gate answers arrives.</summary>
    public Action<string>? Wake { get; set; }

    /// <summary>Adds the measurements and gate answers the stored status does not hold yet to the observation.</summary>
    public Observation Observe(string ns, string name, RolloutSpec spec, RolloutStatus? stored, Observation observation)
    {
        if (!_rollouts.TryGetValue(KubeInformer.Key(ns, name), out var state)) return observation;
        return observation with { Measurements = state.Unfolded(spec, stored), GateResults = state.UnstoredGates(spec, stored) };
    }

    /// <summary>
    /// After the decided status is stored: sends notifications, asks the gates the step waits for and starts the
    /// checks that are due. Returns how soon the next check falls due (null: none is waiting for time).
    /// </summary>
    /// <param name="versionOf">The {{version}} of a revision in queries: its pod-template-hash.</param>
    public TimeSpan? Run(string ns, string name, RolloutSpec spec, Decision decision, IReadOnlyList<RolloutEvent> events,
        Func<int, string?> versionOf, CancellationToken cancellationToken)
    {
        var key = KubeInformer.Key(ns, name);
        var target = new WebhookTarget(name, ns, spec);
        if (events.Count > 0 && spec.Webhooks.Count > 0) _webhooks.Notify(target, decision.Status, events, cancellationToken);
        if (decision.Analysis is null && decision.Gates.Count == 0)
        {
            if (_rollouts.TryGetValue(key, out var idle) && idle.Idle) _rollouts.TryRemove(key, out _);
            return null;
        }
        var state = _rollouts.GetOrAdd(key, _ => new KubeAnalysisState());
        _webhooks.RequestGates(target, decision.Status, decision.Gates, r =>
        {
            state.GateAnswered(r);
            Wake?.Invoke(key);
        }, cancellationToken);
        var checks = decision.Analysis is { } window && spec.Analysis is { } analysis
            ? StartDueChecks(key, state, ns, name, spec, analysis, window, decision.Status, versionOf, cancellationToken)
            : null;
        // A gate that holds is asked again every second (the runner skips asking sooner), so its rollout needs that timer.
        return decision.Gates.Count > 0 ? Sooner(GateAskedAgain, checks) : checks;
    }

    public static TimeSpan Sooner(TimeSpan requeue, TimeSpan? check) =>
        check is { } c && c < requeue ? c : requeue;

    private TimeSpan? StartDueChecks(string key, KubeAnalysisState state, string ns, string name, RolloutSpec spec, AnalysisSpec analysis,
        AnalysisWindow window, RolloutStatus status, Func<int, string?> versionOf, CancellationToken ct)
    {
        if (state.Window != window)
        {
            state.Window = window;
            state.Started.Clear();
        }
        var now = time.GetUtcNow();
        TimeSpan? next = null;
        foreach (var check in analysis.Checks)
        {
            if (!_sources.TryGetValue(check.Provider, out var source)) continue; // refused by validation here
            var tally = status.Checks.FirstOrDefault(c => c.Name == check.Name);
            if (!CheckSchedule.Wanted(check, window, tally) || state.InFlight.ContainsKey(check.Name)) continue; // an answer wakes the rollout
            var interval = check.Interval ?? analysis.Interval;
            // Never a partial interval: a check measures the step's own traffic over a full interval, so the first
            // measurement waits an interval after the step went live (as the local gateway's thresholds do).
            var due = CheckSchedule.DueAt(check, interval, window, LastAt(state, check.Name, tally, window));
            if (due < window.Since + interval) due = window.Since + interval;
            if (due > now)
            {
                next = Sooner(due - now, next);
                continue;
            }
            state.InFlight[check.Name] = 0;
            state.Started[check.Name] = now;
            var service = spec.Service?.Name ?? spec.WorkloadRef?.Name ?? name;
            var (canary, stable) = (versionOf(window.CanaryRevision) ?? $"r{window.CanaryRevision}", versionOf(window.StableRevision) ?? $"r{window.StableRevision}");
            var query = new CheckQuery(name, ns, service, canary, stable, now - interval, now, check.QueryWindow(interval));
            if (check.Compare is not null)
            {
                // A comparison counts both sides since the step went live (the window a sequential test needs), at least the check's window.
                query = query with { From = window.Since < now ? window.Since : now - interval, MinWindow = check.Window ?? TimeSpan.Zero };
                var targets = RouterCompareQueries.Targets(check, spec.TrafficRouting, service, canary, stable, out var refused);
                _ = MeasureAsync(key, state, check, query, window, targets is null
                    ? () => Task.FromResult(new Measurement(check.Name, Verdict.Error, null, refused!, now, window.CanaryRevision, window.StepIndex))
                    : () => _compare.MeasureAsync(check, targets, query, analysis.MinRequests, window.CanaryRevision, window.StepIndex, ct), ct);
            }
            else
            {
                _ = MeasureAsync(key, state, check, query, window, () => RemoteCheck.MeasureAsync(source, check, query, window.CanaryRevision, window.StepIndex, ct), ct);
            }
            next = Sooner(interval, next);
        }
        return next;
    }

    /// <summary>The later of this controller's last start and the stored status' last measurement in this window.</summary>
    private static DateTimeOffset? LastAt(KubeAnalysisState state, string check, CheckStatus? tally, AnalysisWindow window)
    {
        DateTimeOffset? stored = tally?.MeasuredAt is { } m && m >= window.Since ? m : null;
        return state.Started.TryGetValue(check, out var started) && (stored is null || started > stored) ? started : stored;
    }

    private async Task MeasureAsync(string key, KubeAnalysisState state, CheckSpec check, CheckQuery query, AnalysisWindow window,
        Func<Task<Measurement>> measure, CancellationToken ct)
    {
        await Task.Yield(); // never on the reconcile worker, even for the synchronous part of a request
        try
        {
            var m = await measure().ConfigureAwait(false);
            AnalysisLog.Measured(logger, key, check.Name, m.Verdict.ToString(), m.Evidence);
            state.Arrived(m);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // the controller stops
        }
        catch (Exception e)
        {
            AnalysisLog.MeasureThrew(logger, key, check.Name, e);
            state.Arrived(new Measurement(check.Name, Verdict.Error, null, $"measuring failed: {e.GetType().Name}", query.To, window.CanaryRevision, window.StepIndex));
        }
        finally
        {
            state.InFlight.TryRemove(check.Name, out _);
        }
        Wake?.Invoke(key);
    }
}
