using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>A Kubernetes traffic driver: also says the canary's applied weight for status.weight, and what it keeps in the status.</summary>
internal interface IKubeTraffic : ITrafficDriver
{
    /// <summary>The canary's share really applied now, in percent, for this decided status.</summary>
    int Weight(RolloutStatus status);

    /// <summary>What the routers verified (stored next), for the TrafficRouted condition; null for drivers without routers.</summary>
    RoutingStatus? Routing { get; }

    /// <summary>Adds what this driver keeps between reconciles to the status about to be stored.</summary>
    void AddTo(JsonObject status);

    /// <summary>
    /// When to look at the rollout again although no watched object changes (<see cref="Wakeup"/>): the engine's timers,
    /// capped at <paramref name="resync"/>; a driver whose applied state is read, not watched, polls at <paramref name="poll"/>
    /// until it is confirmed.
    /// </summary>
    TimeSpan NextLook(RolloutStatus status, TimeSpan resync, TimeSpan poll);
}
