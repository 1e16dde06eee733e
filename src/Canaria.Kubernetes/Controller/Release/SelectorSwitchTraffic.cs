using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>Blue-green without a router (seed 004): the active Service's pod-template-hash selector is the split (0% or 100%).</summary>
internal sealed class SelectorSwitchTraffic(KubeRelease r, ActiveService service, string serviceName) : IKubeTraffic
{
    private string? _selected;

    public async ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken)
    {
        (_, _selected) = await service.ReadAsync(r.Namespace, serviceName, cancellationToken).ConfigureAwait(false);
        return ActiveService.Applied(r.Stored.Engine, _selected, r.PodHashOf);
    }

    public IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation) => decision.Replicas;

    public async ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken)
    {
        var s = decision.Status;
        string? error = null;
        if (s.Traffic is { } traffic && r.PodHashOf(ActiveService.Target(traffic)) is { } podHash)
            error = await service.SelectAsync(r.Namespace, serviceName, podHash, _selected, cancellationToken).ConfigureAwait(false);
        return new TrafficApplied(ReleasedTraffic.AtRest(s, observation), Error: error);
    }

    public int Weight(RolloutStatus status) =>
        ReleasedTraffic.Canary(status) is { } green && _selected is not null && r.PodHashOf(green) == _selected ? 100 : 0;

    public RoutingStatus? Routing => null;

    public void AddTo(JsonObject status)
    {
    }

    public TimeSpan NextLook(RolloutStatus status, TimeSpan resync, TimeSpan poll) => Wakeup.After(r.Spec, status, r.Now, resync);
}
