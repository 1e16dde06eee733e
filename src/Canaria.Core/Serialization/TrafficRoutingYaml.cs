using Canaria.Core.Model;

namespace Canaria.Core.Serialization;

/// <summary>Reads spec.trafficRouting: one block per router (istio, smi, nginx, gatewayAPI), any number at once.</summary>
internal static class TrafficRoutingYaml
{
    public static TrafficRoutingSpec Read(MapReader m)
    {
        var spec = new TrafficRoutingSpec
        {
            Istio = m.Has("istio") ? ReadIstio(m.Map("istio")) : null,
            Smi = m.Has("smi") ? ReadSmi(m.Map("smi")) : null,
            Nginx = m.Has("nginx") ? ReadNginx(m.Map("nginx")) : null,
            GatewayApi = m.Has("gatewayAPI") ? ReadGatewayApi(m.Map("gatewayAPI")) : null,
        };
        m.RejectUnknown();
        return spec;
    }

    private static IstioRouting ReadIstio(MapReader m)
    {
        var vs = m.Map("virtualService");
        var istio = new IstioRouting
        {
            VirtualService = vs.String("name", required: true) ?? "",
            Routes = vs.Strings("routes"),
            DestinationRule = m.Has("destinationRule") ? ReadDestinationRule(m.Map("destinationRule")) : null,
        };
        if (!m.Has("virtualService")) m.Error(m.Field("virtualService"), new YamlDotNet.RepresentationModel.YamlScalarNode(), "is required: name the VirtualService whose routes carry the split");
        vs.RejectUnknown();
        m.RejectUnknown();
        return istio;
    }

    private static IstioDestinationRule ReadDestinationRule(MapReader m)
    {
        var d = new IstioDestinationRule();
        var rule = new IstioDestinationRule
        {
            Name = m.String("name", required: true) ?? "",
            StableSubset = m.String("stableSubsetName") ?? d.StableSubset,
            CanarySubset = m.String("canarySubsetName") ?? d.CanarySubset,
        };
        m.RejectUnknown();
        return rule;
    }

    private static SmiRouting ReadSmi(MapReader m)
    {
        var d = new SmiRouting();
        var smi = new SmiRouting
        {
            TrafficSplit = m.String("trafficSplitName") ?? "",
            RootService = m.String("rootService", required: true) ?? "",
            ApiVersion = m.String("apiVersion") ?? d.ApiVersion,
        };
        m.RejectUnknown();
        return smi;
    }

    private static NginxRouting ReadNginx(MapReader m)
    {
        var d = new NginxRouting();
        var nginx = new NginxRouting
        {
            Ingress = m.String("ingress", required: true) ?? "",
            AnnotationPrefix = m.String("annotationPrefix") ?? d.AnnotationPrefix,
        };
        m.RejectUnknown();
        return nginx;
    }

    private static GatewayApiRouting ReadGatewayApi(MapReader m)
    {
        var route = new GatewayApiRouting { HttpRoute = m.String("httpRoute", required: true) ?? "" };
        m.RejectUnknown();
        return route;
    }
}
