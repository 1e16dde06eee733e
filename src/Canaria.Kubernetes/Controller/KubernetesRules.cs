using Canaria.Core.Model;
using Canaria.Core.Validation;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>What a Rollout needs on Kubernetes beyond the shared validation (which already refuses checks that need Canaria's gateway): for blue-green, an active Service and a Recreate Deployment (the only kind whose paused controller lets both versions run at full size).</summary>
internal static class KubernetesRules
{
    public static IReadOnlyList<FieldError> Check(RolloutSpec spec, DeploymentView d)
    {
        var errors = new List<FieldError>();
        if (spec.Strategy.Kind != StrategyKind.BlueGreen)
        {
            if (spec.TrafficRouting?.Any == true && !d.Recreate && d.MaxSurge < d.Replicas)
            {
                errors.Add(new FieldError("spec.trafficRouting",
                    $"Deployment {d.Name} uses RollingUpdate with maxSurge {d.MaxSurge} (< replicas {d.Replicas}): a paused Deployment holds stable + canary " +
                    "at replicas + maxSurge, so stable would shrink below what the router still sends it; set the Deployment's maxSurge to 100% or its strategy to Recreate"));
            }
            return errors;
        }
        if (spec.Service is not { Name.Length: > 0 })
            errors.Add(new FieldError("spec.service.name", "is required for blueGreen on Kubernetes: it names the active Service whose selector Canaria switches"));
        if (!d.Recreate)
        {
            errors.Add(new FieldError("spec.strategy.blueGreen",
                $"Deployment {d.Name} uses strategy RollingUpdate; blue-green needs strategy Recreate, because a paused RollingUpdate " +
                "Deployment's controller holds both versions' total at replicas + maxSurge and scales blue to 0 as soon as green is available"));
        }
        return errors;
    }
}
