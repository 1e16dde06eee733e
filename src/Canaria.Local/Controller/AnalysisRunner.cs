using System.Collections.Concurrent;
using Canaria.Analysis.Checks;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Controller;

/// <summary>
/// Measures the canary while a step's traffic is live. Threshold checks on the gateway read the last interval;
/// comparisons with stable read both versions' counts since the step went live; the sequential error-rate test
/// runs on every controller tick (100 ms) so a clearly bad canary is stopped after few requests. Prometheus and
/// web checks run off the loop and report when they answer, so a slow source never delays a rollback.
/// </summary>
internal sealed class AnalysisRunner(GoldenSignals signals, IMetricSource gateway, IReadOnlyDictionary<MetricProvider, IValueSource> remote)
{
    public async ValueTask MeasureIfDueAsync(ManagedRollout rollout, DateTimeOffset now, CancellationToken ct)
    {
        while (rollout.RemoteResults.TryDequeue(out var done)) rollout.PendingMeasurements.Add(done);
        if (rollout.Spec.Analysis is not { } analysis || rollout.AnalysisWindow is not { } window || rollout.Spec.Service is not { } service)
            return;
        var schedule = rollout.Schedule;
        if (schedule.Reset(window) || schedule.CanaryBaseline is null)
            TakeBaseline(rollout, service.Name, window, now);

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
                if (!schedule.ShouldReport(check.Name, verdict, interval, now)) continue;
                Report(rollout, check, verdict, value, evidence, now);
            }
            else if (check.Provider == MetricProvider.Gateway)
            {
                var from = now - interval;
                if (from < window.Since) continue; // not a full interval of data at this step yet
                var data = await gateway.ReadAsync(new MetricQuery(rollout.Name, service.Name, canaryVersion, from, now), ct).ConfigureAwait(false);
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

    private void TakeBaseline(ManagedRollout rollout, string service, Core.Engine.AnalysisWindow window, DateTimeOffset now)
    {
        rollout.Schedule.CanaryBaseline = GatewayTotals.Read(signals, service, RevisionNames.Version(rollout, window.CanaryRevision));
        rollout.Schedule.StableBaseline = GatewayTotals.Read(signals, service, RevisionNames.Version(rollout, window.StableRevision));
        rollout.Schedule.BaselineAt = now;
    }

    private (MetricWindow Canary, MetricWindow Stable) SinceStepLive(ManagedRollout rollout, string service, Core.Engine.AnalysisWindow window, DateTimeOffset now)
    {
        var s = rollout.Schedule;
        var elapsed = now - s.BaselineAt;
        var canary = GatewayTotals.Between(s.CanaryBaseline!, GatewayTotals.Read(signals, service, RevisionNames.Version(rollout, window.CanaryRevision)), elapsed);
        var stable = GatewayTotals.Between(s.StableBaseline!, GatewayTotals.Read(signals, service, RevisionNames.Version(rollout, window.StableRevision)), elapsed);
        return (canary, stable);
    }
}
