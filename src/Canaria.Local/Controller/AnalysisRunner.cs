using System.Collections.Concurrent;
using Canaria.Analysis.Checks;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Local.Dashboard.Series;
using Canaria.Local.Gateway;

namespace Canaria.Local.Controller;

/// <summary>
/// Measures the canary while a step's traffic is live. Threshold checks on the gateway read the last interval;
/// comparisons with stable read both versions' counts since the step went live; the sequential error-rate test
/// runs on every controller tick (100 ms) so a clearly bad canary is stopped after few requests. Prometheus and
/// web checks run off the loop and report when they answer, so a slow source never delays a rollback.
/// </summary>
internal sealed class AnalysisRunner(GatewayLink link, IMetricSource gateway, IReadOnlyDictionary<MetricProvider, IValueSource> remote, SeriesBook? series = null)
{
    public async ValueTask MeasureIfDueAsync(ManagedRollout rollout, DateTimeOffset now, CancellationToken ct)
    {
        while (rollout.RemoteResults.TryDequeue(out var done)) rollout.PendingMeasurements.Add(done);
        if (rollout.Spec.Analysis is not { } analysis || rollout.AnalysisWindow is not { } window || rollout.Spec.Service is not { } service)
            return;
        var schedule = rollout.Schedule;
        if (schedule.Reset(window) || schedule.CanaryBaseline is null)
            await TakeBaselineAsync(rollout, service.Name, window, now, ct).ConfigureAwait(false);

        var canaryVersion = RevisionNames.Version(rollout, window.CanaryRevision);
        foreach (var check in analysis.Checks)
        {
            var status = rollout.Status?.Checks.FirstOrDefault(c => c.Name == check.Name);
            if (!CheckSchedule.Applies(check, window, status, now)) continue;
            var interval = check.Interval ?? analysis.Interval;
            var sequential = check.Compare?.Method == CompareMethod.Sequential;
            if (!sequential && !schedule.IntervalDue(check.Name, interval, now)) continue;

            if (check.Compare is not null)
            {
                var (canary, stable) = SinceStepLive(rollout, service.Name, window, now);
                var (verdict, value, evidence) = CompareJudge.Judge(check, canary, stable, analysis.MinRequests);
                if (sequential && value is { } llr) series?.Sequential(rollout.Name, check, window.StepIndex, now, llr, verdict);
                if (!schedule.ShouldReport(check.Name, verdict, interval, now)) continue;
                Report(rollout, check, verdict, value, evidence, now);
            }
            else if (check.Provider == MetricProvider.Gateway)
            {
                var from = now - interval;
                if (from < window.Since) continue; // not a full interval of data at this step yet
                MetricWindow? data;
                try
                {
                    data = await gateway.ReadAsync(new MetricQuery(rollout.Name, service.Name, canaryVersion, from, now), ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    Report(rollout, check, Verdict.Error, null, e.Message, now); // counts toward consecutiveErrorLimit, never a pass
                    continue;
                }
                var (verdict, value, evidence) = ThresholdJudge.Judge(check, data, analysis.MinRequests);
                Report(rollout, check, verdict, value, evidence, now);
            }
            else if (rollout.RemoteInFlight.TryAdd(check.Name, 0))
            {
                rollout.Schedule.Reported(check.Name, Verdict.Pending, now);
                var from = now - interval < window.Since ? window.Since : now - interval;
                var query = new CheckQuery(rollout.Name, rollout.Document.Metadata.Namespace, service.Name, canaryVersion, RevisionNames.Version(rollout, window.StableRevision), from, now, check.QueryWindow(interval));
                _ = MeasureRemoteAsync(rollout, check, query, window.CanaryRevision, window.StepIndex, ct);
            }
        }
    }

    private async Task MeasureRemoteAsync(ManagedRollout rollout, CheckSpec check, CheckQuery query, int revision, int step, CancellationToken ct)
    {
        try
        {
            rollout.RemoteResults.Enqueue(await RemoteCheck.MeasureAsync(remote[check.Provider], check, query, revision, step, ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            rollout.RemoteInFlight.TryRemove(check.Name, out _);
        }
    }

    private static void Report(ManagedRollout rollout, CheckSpec check, Verdict verdict, double? value, string evidence, DateTimeOffset now)
    {
        var window = rollout.AnalysisWindow!;
        rollout.Schedule.Reported(check.Name, verdict, now);
        rollout.PendingMeasurements.Add(new Measurement(check.Name, verdict, value, evidence, now, window.CanaryRevision, window.StepIndex));
    }

    /// <summary>
    /// The counts at the start of the window: a mark the gateway keeps under a key of this window, so a controller
    /// restarted mid-step gets the same baseline back (the gateway returns the first mark of a key) and counts the
    /// requests served while it was away exactly once. Without an answer, the running totals now.
    /// </summary>
    private async ValueTask TakeBaselineAsync(ManagedRollout rollout, string service, Core.Engine.AnalysisWindow window, DateTimeOffset now, CancellationToken ct)
    {
        var canary = RevisionNames.Version(rollout, window.CanaryRevision);
        var stable = RevisionNames.Version(rollout, window.StableRevision);
        var key = FormattableString.Invariant($"{window.CanaryRevision}/{window.StableRevision}/{window.StepIndex}/{window.Since.ToUnixTimeMilliseconds()}");
        var mark = await link.MarkAsync(key, rollout.Name, service, [canary, stable], ct).ConfigureAwait(false);
        // A mark is in the counters of one gateway process: it is placed in the running totals only once that one was read.
        if (mark is { Versions.Count: 2 } && mark.Key == key && link.Counters.Knows(mark.Instance))
        {
            rollout.Schedule.CanaryBaseline = link.Counters.FromMark(mark.Instance, mark.Versions[0]);
            rollout.Schedule.StableBaseline = link.Counters.FromMark(mark.Instance, mark.Versions[1]);
            rollout.Schedule.BaselineAt = mark.At < now ? mark.At : now;
            return;
        }
        rollout.Schedule.CanaryBaseline = link.Counters.Read(service, canary);
        rollout.Schedule.StableBaseline = link.Counters.Read(service, stable);
        rollout.Schedule.BaselineAt = now;
    }

    private (MetricWindow Canary, MetricWindow Stable) SinceStepLive(ManagedRollout rollout, string service, Core.Engine.AnalysisWindow window, DateTimeOffset now)
    {
        var s = rollout.Schedule;
        var elapsed = now - s.BaselineAt;
        var canary = GatewayTotals.Between(s.CanaryBaseline!, link.Counters.Read(service, RevisionNames.Version(rollout, window.CanaryRevision)), elapsed);
        var stable = GatewayTotals.Between(s.StableBaseline!, link.Counters.Read(service, RevisionNames.Version(rollout, window.StableRevision)), elapsed);
        return (canary, stable);
    }
}
