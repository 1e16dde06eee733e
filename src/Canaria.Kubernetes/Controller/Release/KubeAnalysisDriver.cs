using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>Checks, gates and notifications of one Rollout, run off the reconcile by <see cref="KubeAnalysis"/>.</summary>
internal sealed class KubeAnalysisDriver(KubeRelease r, KubeAnalysis analysis) : IAnalysisDriver
{
    public Observation Observe(RolloutStatus? stored, Observation observation) =>
        analysis.Observe(r.Namespace, r.Name, r.Spec, stored, observation); // measurements and gate answers not stored yet

    public TimeSpan? Decided(Decision decision, IReadOnlyList<RolloutEvent> events, CancellationToken cancellationToken) =>
        analysis.Run(r.Namespace, r.Name, r.Spec, decision, events, r.PodHashOf, cancellationToken);
}
