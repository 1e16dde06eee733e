using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>
/// No router (seed 004): the Service sends to every ready pod, so the split is the ratio of ready pods and the replica
/// plan carries it. During a release the canary Service selects only the canary's pods.
/// </summary>
internal sealed class ReplicaRatioTraffic(KubeRelease r, CanaryService canaryService) : IKubeTraffic
{
    private Observation? _observed;

    public ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken)
    {
        _observed = observation;
        return ValueTask.FromResult(RevisionObservation.Applied(r.Deployment, r.Stored, observation));
    }

    public IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation) =>
        ReplicaPlan.For(decision.Status, decision.Replicas, r.Deployment.Replicas, observation);

    public async ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken)
    {
        var s = decision.Status;
        string? error = null;
        if (r.Spec.Service is { Name.Length: > 0 } service)
        {
            var releasing = ReleasedTraffic.Canary(s) is { } c && s.StepState is not (StepState.Aborted or StepState.Completed) ? r.PodHashOf(c) : null;
            error = await canaryService.EnsureAsync(r.Namespace, r.Rollout, service.Name, releasing, cancellationToken).ConfigureAwait(false);
        }
        return new TrafficApplied(ReleasedTraffic.AtRest(s, observation), Error: error);
    }

    public int Weight(RolloutStatus status) =>
        _observed is { } o ? ReplicaPlan.ReadyShare(ReleasedTraffic.Canary(status) is { } c ? o.Ready(c) : 0, o.Ready(status.StableRevision)) : 0;

    public RoutingStatus? Routing => null;

    public void AddTo(JsonObject status)
    {
    }

    public TimeSpan NextLook(RolloutStatus status, TimeSpan resync, TimeSpan poll) => Wakeup.After(r.Spec, status, r.Now, resync);
}
