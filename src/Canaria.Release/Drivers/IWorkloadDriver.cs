using Canaria.Core.Engine;

namespace Canaria.Release.Drivers;

/// <summary>Where a platform runs revisions: local replica processes, or a Deployment's ReplicaSets.</summary>
internal interface IWorkloadDriver
{
    /// <summary>Desired and ready replicas of every revision the rollout knows.</summary>
    ValueTask<IReadOnlyDictionary<int, ReplicaObservation>> ObserveAsync(CancellationToken cancellationToken);

    /// <summary>Runs exactly these replicas per revision (others scale to zero); the error, or null when it worked.</summary>
    ValueTask<string?> ScaleAsync(IReadOnlyDictionary<int, int> replicas, CancellationToken cancellationToken);
}
