using Canaria.Core.Engine;

namespace Canaria.Release.Drivers;

/// <summary>
/// How a platform moves requests between revisions: the local gateway; on Kubernetes the ready-pod ratio, the active
/// Service's selector (blue-green) or routers (Istio, SMI, nginx, Gateway API).
/// </summary>
internal interface ITrafficDriver
{
    /// <summary>The split really applied now (null: nothing applied yet), given the revisions' replicas.</summary>
    ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken);

    /// <summary>The replicas per revision this way of routing needs for the decision (a ratio of pods carries the split itself).</summary>
    IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation);

    /// <summary>Applies the decided split, after the decision is stored and the workload scaled.</summary>
    ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken);
}

/// <summary>What applying a split did.</summary>
/// <param name="AtRest">Nothing is in progress: look again only on a change or the slow resync.</param>
/// <param name="Verified">A new split was verified that the engine must see at once (look again now).</param>
/// <param name="Error">Why it could not be applied (look again later), or null.</param>
internal sealed record TrafficApplied(bool AtRest, bool Verified = false, string? Error = null);
