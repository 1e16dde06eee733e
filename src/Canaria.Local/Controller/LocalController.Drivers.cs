using System.Text.Json;
using Canaria.Analysis.Webhooks;
using Canaria.Core.Engine;
using Canaria.Core.Serialization;
using Canaria.Release.Drivers;

namespace Canaria.Local.Controller;

/// <summary>
/// The local platform's drivers of the shared release loop, for one rollout: replica processes (workload), the gateway
/// (traffic: the decided split is collected here and pushed to the gateway once per loop pass for all rollouts), local
/// checks and webhooks (analysis), the SQLite store (status) and its event table (events).
/// </summary>
internal sealed partial class LocalController
{
    private ReleaseDrivers DriversFor(ManagedRollout r)
    {
        var pass = new LocalPass(this, r);
        return new ReleaseDrivers(pass, pass, pass, pass, pass);
    }

    private sealed class LocalPass(LocalController c, ManagedRollout r) : IWorkloadDriver, ITrafficDriver, IAnalysisDriver, IStatusStore, IEventSink
    {
        public ValueTask<IReadOnlyDictionary<int, ReplicaObservation>> ObserveAsync(CancellationToken cancellationToken)
        {
            var revisions = new Dictionary<int, ReplicaObservation>();
            var known = r.DesiredReplicas.Keys.Append(r.SpecRevision);
            if (r.Status is { } s)
                known = known.Concat(new[] { s.StableRevision, s.CanaryRevision }.OfType<int>()).Concat(s.ScaleDowns.Select(d => d.Revision));
            foreach (var revision in known.Distinct())
            {
                c.EnsureTemplate(r, revision);
                revisions[revision] = c._workload.Observe(r, revision);
            }
            return ValueTask.FromResult<IReadOnlyDictionary<int, ReplicaObservation>>(revisions);
        }

        public ValueTask<string?> ScaleAsync(IReadOnlyDictionary<int, int> replicas, CancellationToken cancellationToken)
        {
            foreach (var revision in replicas.Keys) c.EnsureTemplate(r, revision);
            r.DesiredReplicas = replicas;
            c._workload.Apply(r, replicas);
            return ValueTask.FromResult<string?>(null);
        }

        public ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken) => ValueTask.FromResult(r.AppliedTraffic);

        public IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation) => decision.Replicas;

        public ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken)
        {
            r.DesiredTraffic = decision.Traffic; // pushed with every other rollout's split after the pass (ApplyGatewayAsync)
            return ValueTask.FromResult(new TrafficApplied(decision.Status.StepState is StepState.Completed or StepState.Aborted));
        }

        public Observation Observe(RolloutStatus? stored, Observation observation)
        {
            var measurements = r.PendingMeasurements.ToList();
            r.PendingMeasurements.Clear(); // a decision that waits for the store measures again (gate answers are kept)
            while (r.GateResults.TryDequeue(out var g)) r.DrainedGateResults.Add(g);
            return observation with { Measurements = measurements, GateResults = [.. r.DrainedGateResults] };
        }

        public TimeSpan? Decided(Decision decision, IReadOnlyList<RolloutEvent> events, CancellationToken cancellationToken)
        {
            r.DrainedGateResults.Clear();
            var target = new WebhookTarget(r.Name, r.Document.Metadata.Namespace, r.Spec);
            c._webhooks.Notify(target, decision.Status, events, c._running);
            c._webhooks.RequestGates(target, r.Status, decision.Gates, r.GateResults.Enqueue, c._running);
            return null; // local checks are measured by the loop every pass (AnalysisRunner), not scheduled
        }

        public ValueTask<StoreResult> StoreAsync(StatusRecord record, CancellationToken cancellationToken)
        {
            var statusJson = JsonSerializer.Serialize(record.Decision.Status, CoreJson.Options);
            if (statusJson == r.StatusJson) return ValueTask.FromResult(StoreResult.Unchanged); // r.StatusJson is what the store holds
            var saved = c.TrySave(r, r.SpecText, statusJson);
            if (saved.IsFailed) return ValueTask.FromResult(new StoreResult(StoreOutcome.Failed, saved.Error));
            if (saved.IsConflict || saved.Rollout is null)
            {
                ControllerLog.StoreConflict(c._logger, r.Name);
                return ValueTask.FromResult(new StoreResult(StoreOutcome.Conflict, "the rollout was changed by someone else at the same time"));
            }
            r.RowVersion = saved.Rollout.RowVersion;
            r.StatusJson = statusJson;
            r.UnstoredReason = null;
            return ValueTask.FromResult(StoreResult.Stored);
        }

        public ValueTask RecordAsync(RolloutEvent e, RolloutStatus status, CancellationToken cancellationToken)
        {
            c.RecordEvent(r.Name, e, status.StepIndex, status.CanaryRevision ?? status.StableRevision);
            ControllerLog.Event(c._logger, r.Name, e.Reason, e.Message);
            c._options.OnEvent?.Invoke(r.Name, e);
            return ValueTask.CompletedTask;
        }
    }
}
