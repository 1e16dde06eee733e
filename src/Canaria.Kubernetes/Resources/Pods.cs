using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>What Canaria reads of a pod: its Ready condition and which ReplicaSet owns it.</summary>
public static class Pods
{
    /// <summary>The pod's Ready condition is True (the kubelet's readiness, what Services route by).</summary>
    public static bool Ready(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>One of the pod's owner references has this uid.</summary>
    public static bool OwnedBy(V1Pod pod, string? uid) => pod.Metadata?.OwnerReferences?.Any(o => o.Uid == uid) == true;
}
