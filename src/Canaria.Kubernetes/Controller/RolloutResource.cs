using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Controller;

internal static class RolloutResource
{
    public static readonly KubeResource Rollouts = new("canaria.dev", "v1alpha1", "rollouts", "Rollout");
}
