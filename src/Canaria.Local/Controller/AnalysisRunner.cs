using Canaria.Core.Analysis;

namespace Canaria.Local.Controller;

/// <summary>Measures the canary every analysis interval, only over time when the step's traffic was live.</summary>
internal sealed class AnalysisRunner(IMetricSource source)
{
    public async ValueTask MeasureIfDueAsync(ManagedRollout rollout, DateTimeOffset now, CancellationToken ct)
    {
        if (rollout.Spec.Analysis is not { } analysis || rollout.AnalysisWindow is not { } window || rollout.Spec.Service is not { } service)
            return;
        var from = now - analysis.Interval;
        if (from < window.Since) return; // not a full interval of data at this step yet
        if (rollout.LastMeasuredAt is { } last && now - last < analysis.Interval) return;

        rollout.LastMeasuredAt = now;
        var version = RevisionNames.Version(rollout, window.CanaryRevision);
        var data = await source.ReadAsync(new MetricQuery(rollout.Name, service.Name, version, from, now), ct).ConfigureAwait(false);
        foreach (var check in analysis.Checks)
        {
            var (verdict, value, evidence) = ThresholdJudge.Judge(check, data, analysis.MinRequests);
            rollout.PendingMeasurements.Add(new Measurement(check.Name, verdict, value, evidence, now, window.CanaryRevision, window.StepIndex));
        }
    }
}
