using Canaria.Core.Model;
using Canaria.Core.Validation;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// What a Rollout needs on Kubernetes beyond the shared validation (which already refuses checks that need Canaria's
/// gateway): for blue-green, an active Service. Any Deployment strategy works: the Deployment controls only the
/// ReplicaSet at its full size (see <see cref="ReplicaSetOwnership"/>), so its surge budget never limits a release.
/// </summary>
internal static class KubernetesRules
{
    public static IReadOnlyList<FieldError> Check(RolloutSpec spec)
    {
        var errors = new List<FieldError>();
        if (spec.Strategy.Kind == StrategyKind.BlueGreen && spec.Service is not { Name.Length: > 0 })
            errors.Add(new FieldError("spec.service.name", "is required for blueGreen on Kubernetes: it names the active Service whose selector Canaria switches"));
        return errors;
    }
}
