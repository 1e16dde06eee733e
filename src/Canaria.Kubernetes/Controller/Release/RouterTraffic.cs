using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>
/// Routers (Istio, SMI, nginx, Gateway API): the split the routers verified is what is applied. Replicas follow the
/// verified split, not the decided one, and a revision a router may still send to keeps its pods.
/// </summary>
/// <param name="routing">What the routers verified (the stored status, or a newer verification not stored yet).</param>
/// <param name="verified">Keeps a newly verified split until the next status write stores it.</param>
/// <param name="warn">Records a Warning event on the Rollout (a router's object edited by someone: drift).</param>
/// <param name="recheck">How often the routers' objects are read again while Canaria holds a split in them (drift), or while one is missing.</param>
internal sealed class RouterTraffic(KubeRelease r, RoutedTraffic routers, RoutingStatus routing, Action<RoutingStatus> verified,
    Func<RolloutEvent, CancellationToken, Task> warn, TimeSpan recheck) : IKubeTraffic
{
    public ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken) => ValueTask.FromResult(routing.Applied);

    public IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation)
    {
        // a revision the router may still send to, in its scale-down delay, or just dropped from a split proxies may not have applied yet
        var settling = routing.ChangedAt is { } changed && r.Now - changed < r.Spec.ScaleDownDelay;
        return ReplicaPlan.KeepRouted(decision.Replicas, settling ? r.Stored.Plan : null);
    }

    /// <summary>What the routers verified in this reconcile (null until ApplyAsync ran).</summary>
    private RoutingStatus? _next;

    public async ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken)
    {
        var s = decision.Status;
        var (next, error) = await routers.ApplyAsync(r.Rollout, r.Spec, s, observation, routing, r.PodHashOf, r.Now, cancellationToken).ConfigureAwait(false);
        _next = next;
        foreach (var drift in next.Routers.Select(x => x.Drift).OfType<string>())
        {
            await warn(new RolloutEvent(r.Now, EventType.Warning, "SplitDrifted",
                $"{drift} (Canaria owns the weights while it releases: pause or abort the Rollout instead of editing them)"), cancellationToken).ConfigureAwait(false);
        }
        if (!StatusBuilder.Same(routing.ToJson(), next.ToJson()))
        {
            verified(next); // the engine must see the newly verified split at once; the next status write stores it
            return new TrafficApplied(false, Verified: true, Error: error);
        }
        var rest = s.StepState is StepState.Completed or StepState.Aborted && next.Restored && s.ScaleDowns.Count == 0;
        return new TrafficApplied(rest, Error: error);
    }

    public int Weight(RolloutStatus status) =>
        ReleasedTraffic.Canary(status) is { } c && routing.Applied?.CanaryRevision == c ? routing.Applied.CanaryWeight : 0;

    public RoutingStatus? Routing => routing;

    public void AddTo(JsonObject status) => status[RoutingStatus.Field] = routing.ToJson();

    /// <summary>The routers' objects are read, not watched: poll only while the decided split is not verified (or not handed back at rest).</summary>
    public TimeSpan NextLook(RolloutStatus status, TimeSpan resync, TimeSpan poll)
    {
        var next = _next ?? routing;
        var confirmed = (status.Traffic is null || next.Applied?.SameAs(status.Traffic) == true)
            && (next.Restored || status.StepState is not (StepState.Completed or StepState.Aborted));
        var holding = ReleasedTraffic.Canary(status) is not null && status.StepState is not (StepState.Completed or StepState.Aborted);
        var look = !confirmed ? poll : holding || next.Routers.Any(x => x.Missing) ? (recheck < resync ? recheck : resync) : resync;
        return Wakeup.After(r.Spec, status, r.Now, look, next.ChangedAt + r.Spec.ScaleDownDelay);
    }
}
