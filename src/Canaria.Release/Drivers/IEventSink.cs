using Canaria.Core.Engine;

namespace Canaria.Release.Drivers;

/// <summary>Where a rollout's history goes: the local event table, or Kubernetes Events on the Rollout.</summary>
internal interface IEventSink
{
    ValueTask RecordAsync(RolloutEvent e, RolloutStatus status, CancellationToken cancellationToken);
}
