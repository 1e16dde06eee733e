using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>The routers a Rollout's spec.trafficRouting names, in a fixed order (Istio, SMI, ingress-nginx, Gateway API).</summary>
internal sealed class TrafficRouters
{
    public IReadOnlyList<ITrafficRouter> For(TrafficRoutingSpec spec)
    {
        var routers = new List<ITrafficRouter>();
        if (spec.Istio is { } istio) routers.Add(new IstioRouter(istio));
        if (spec.Smi is { } smi) routers.Add(new SmiRouter(smi));
        if (spec.Nginx is { } nginx) routers.Add(new NginxRouter(nginx));
        if (spec.GatewayApi is { } gatewayApi) routers.Add(new GatewayApiRouter(gatewayApi));
        return routers;
    }
}
