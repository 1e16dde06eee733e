using System.Text.Json.Nodes;
using Canaria.Kubernetes.Controller.Conditions;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>
/// The Rollout's /status subresource: one write per reconcile, with the resourceVersion read (a conflict or a failed write
/// is a <see cref="StoreOutcome.Conflict"/>: the next reconcile starts from a fresh read, so nothing is applied unstored).
/// </summary>
/// <param name="write">Writes a status for the Rollout as read (the reconciler's one status writer).</param>
/// <param name="stored">Called once the status is stored (or already was).</param>
/// <param name="stuckAfter">How long a step waits for pods or endpoints before its condition says it is stuck.</param>
internal sealed class RolloutStatusStore(KubeRelease r, IKubeTraffic traffic, Func<JsonObject, CancellationToken, Task<StoreResult>> write, Action stored,
    TimeSpan stuckAfter) : IStatusStore
{
    public async ValueTask<StoreResult> StoreAsync(StatusRecord record, CancellationToken cancellationToken)
    {
        var s = record.Decision.Status;
        var kept = r.Stored with { CommandApplied = record.CommandApplied ?? r.Stored.CommandApplied };
        var conditions = RolloutConditions.Of(r.Spec, s, r.Deployment.Name, traffic.Routing, r.Now, stuckAfter);
        var status = StatusBuilder.Of(r.Rollout, r.Spec, s, kept, record.Replicas, r.Deployment, traffic.Weight(s), conditions, r.Now);
        traffic.AddTo(status);
        var result = await write(status, cancellationToken).ConfigureAwait(false);
        if (result.Outcome is StoreOutcome.Stored or StoreOutcome.Unchanged) stored();
        return result;
    }
}
