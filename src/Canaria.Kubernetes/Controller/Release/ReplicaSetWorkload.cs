using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>The workload on Kubernetes: one ReplicaSet per revision of the (paused) Deployment, scaled by Canaria; stable is the Deployment's, the others the Rollout's.</summary>
internal sealed class ReplicaSetWorkload(KubeRelease r) : IWorkloadDriver
{
    public ValueTask<IReadOnlyDictionary<int, ReplicaObservation>> ObserveAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(RevisionObservation.Of(r.Deployment, r.Stored));

    public async ValueTask<string?> ScaleAsync(IReadOnlyDictionary<int, int> replicas, CancellationToken cancellationToken)
    {
        var byHash = replicas.Where(p => r.HashOf.ContainsKey(p.Key)).ToDictionary(p => r.HashOf[p.Key], p => p.Value, StringComparer.Ordinal);
        return await new KubeWorkload(r.Client, r.Rollout).ApplyAsync(r.Namespace, r.Deployment, byHash, cancellationToken).ConfigureAwait(false);
    }
}
