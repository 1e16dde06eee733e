using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>
/// The user's data-plane objects for a Service "myapp" (as a user would write them before Canaria) and how to read the
/// canary's live share back out of each, independently of Canaria's own code.
/// </summary>
internal static class DataPlanes
{
    public static readonly KubeResource VirtualServices = new("networking.istio.io", "v1beta1", "virtualservices", "VirtualService");
    public static readonly KubeResource TrafficSplits = new("split.smi-spec.io", "v1alpha2", "trafficsplits", "TrafficSplit");
    public static readonly KubeResource Ingresses = new("networking.k8s.io", "v1", "ingresses", "Ingress");
    public static readonly KubeResource HttpRoutes = new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");

    public static JsonObject VirtualService() => (JsonObject)YamlJson.Parse("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: myapp}
        spec:
          hosts: [myapp]
          http:
            - name: primary
              timeout: 10s
              route:
                - destination: {host: myapp, port: {number: 80}}
        """)!;

    public static JsonObject Ingress() => (JsonObject)YamlJson.Parse("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: myapp
          annotations: {nginx.ingress.kubernetes.io/proxy-body-size: 8m}
        spec:
          ingressClassName: nginx
          rules:
            - host: myapp.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: myapp, port: {number: 80}}}
        """)!;

    public static JsonObject HttpRoute() => (JsonObject)YamlJson.Parse("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: myapp}
        spec:
          parentRefs: [{name: public-gateway}]
          hostnames: [myapp.example.com]
          rules:
            - matches: [{path: {type: PathPrefix, value: /}}]
              backendRefs: [{name: myapp, port: 80}]
        """)!;

    /// <summary>The canary's share (percent) of the weighted route each data plane object carries now; 0 when Canaria's part is gone.</summary>
    public static async Task<int> CanaryShareAsync(KubeClient client, string ns, string router)
    {
        switch (router)
        {
            case "istio":
                var vs = (await client.GetAsync(VirtualServices, ns, "myapp")).ValueOrThrow();
                var route = vs["spec"]!["http"]!.AsArray().OfType<JsonObject>().Single(r => (string?)r["name"] == "primary");
                return Share(route["route"]!.AsArray(), d => (string?)d["destination"]?["host"]);
            case "smi":
                var split = await client.GetAsync(TrafficSplits, ns, "myapp");
                return split.IsSuccess ? Share(split.Value!["spec"]!["backends"]!.AsArray(), b => (string?)b["service"]) : 0;
            case "nginx":
                var canary = await client.GetAsync(Ingresses, ns, "myapp-canary");
                return canary.IsSuccess && int.TryParse(Objects.Str(canary.Value, "metadata", "annotations", "nginx.ingress.kubernetes.io/canary-weight"), out var w) ? w : 0;
            case "gatewayAPI":
                var hr = (await client.GetAsync(HttpRoutes, ns, "myapp")).ValueOrThrow();
                var rule = hr["spec"]!["rules"]!.AsArray().OfType<JsonObject>().Last();
                return Share(rule["backendRefs"]!.AsArray(), b => (string?)b["name"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(router), router, "unknown router");
        }
    }

    /// <summary>The user's object Canaria may change in place, read now (null for routers whose objects Canaria owns).</summary>
    public static async Task<JsonNode?> UserSpecAsync(KubeClient client, string ns, string router) => router switch
    {
        "istio" => (await client.GetAsync(VirtualServices, ns, "myapp")).ValueOrThrow()["spec"]?.DeepClone(),
        "nginx" => (await client.GetAsync(Ingresses, ns, "myapp")).ValueOrThrow().DeepClone(),
        "gatewayAPI" => (await client.GetAsync(HttpRoutes, ns, "myapp")).ValueOrThrow()["spec"]?.DeepClone(),
        _ => null,
    };

    public static async Task CreateUserObjectsAsync(KubeClient client, string ns, string router)
    {
        var obj = router switch
        {
            "istio" => (VirtualServices, VirtualService()),
            "nginx" => (Ingresses, Ingress()),
            "gatewayAPI" => (HttpRoutes, HttpRoute()),
            _ => ((KubeResource, JsonObject)?)null,
        };
        if (obj is { } o) (await client.CreateAsync(o.Item1, ns, o.Item2)).ValueOrThrow();
    }

    public static JsonObject RoutingFor(params string[] routers)
    {
        var routing = new JsonObject();
        foreach (var r in routers)
        {
            routing[r] = r switch
            {
                "istio" => new JsonObject { ["virtualService"] = new JsonObject { ["name"] = "myapp", ["routes"] = new JsonArray("primary") } },
                "smi" => new JsonObject { ["trafficSplitName"] = "myapp", ["rootService"] = "myapp-apex" },
                "nginx" => new JsonObject { ["ingress"] = "myapp" },
                "gatewayAPI" => new JsonObject { ["httpRoute"] = "myapp" },
                _ => throw new ArgumentOutOfRangeException(nameof(routers), r, "unknown router"),
            };
        }
        return routing;
    }

    private static int Share(JsonArray entries, Func<JsonObject, string?> service)
    {
        long canary = 0, total = 0;
        foreach (var e in entries.OfType<JsonObject>())
        {
            var weight = e["weight"] is { } wn ? wn.GetValue<long>() : 1;
            total += weight;
            if (service(e) == "myapp-canary") canary += weight;
        }
        return total == 0 ? 0 : (int)Math.Round(100.0 * canary / total);
    }
}
