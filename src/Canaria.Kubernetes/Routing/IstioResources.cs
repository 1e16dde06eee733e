using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Routing;

/// <summary>The Istio kinds the Istio router reads and writes (networking.istio.io/v1beta1, served by every Istio since 1.5).</summary>
internal static class IstioResources
{
    public static readonly KubeResource VirtualServices = new("networking.istio.io", "v1beta1", "virtualservices", "VirtualService");
    public static readonly KubeResource DestinationRules = new("networking.istio.io", "v1beta1", "destinationrules", "DestinationRule");
}
