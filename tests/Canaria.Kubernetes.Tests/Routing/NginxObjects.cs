using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>A user's Ingress with several hosts and paths (some to the stable Service "web", some elsewhere), and the canary copy expected of it.</summary>
internal static class NginxObjects
{
    public const string Prefix = "nginx.ingress.kubernetes.io";

    public static JsonObject Path(string path, string service, JsonObject port) => new()
    {
        ["path"] = path,
        ["pathType"] = "Prefix",
        ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = service, ["port"] = port } },
    };

    public static JsonObject Number(int port) => new() { ["number"] = port };

    public static JsonObject Named(string port) => new() { ["name"] = port };

    public static JsonObject Rule(string host, params JsonObject[] paths) => new()
    {
        ["host"] = host,
        ["http"] = new JsonObject { ["paths"] = new JsonArray(paths) },
    };

    public static JsonObject UserIngress() => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = new JsonObject
        {
            ["name"] = "web",
            ["labels"] = new JsonObject { ["team"] = "shop" },
            ["annotations"] = new JsonObject
            {
                [$"{Prefix}/rewrite-target"] = "/",
                [$"{Prefix}/affinity"] = "cookie",
                [$"{Prefix}/session-cookie-name"] = "route",
                ["example.com/owner"] = "shop-team",
            },
        },
        ["spec"] = new JsonObject
        {
            ["ingressClassName"] = "nginx",
            ["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray("shop.example.com", "admin.example.com"), ["secretName"] = "shop-tls" }),
            ["rules"] = new JsonArray(
                Rule("shop.example.com", Path("/", "web", Number(80)), Path("/api", "api", Number(8080))),
                Rule("m.example.com", Path("/", "web", Named("http"))),
                Rule("admin.example.com", Path("/", "admin", Number(80)))),
        },
    };

    /// <summary>The canary copy's spec for <see cref="UserIngress"/>: only the stable's paths, now to web-canary; TLS hosts kept, no secret.</summary>
    public static JsonObject ExpectedCanarySpec() => new()
    {
        ["ingressClassName"] = "nginx",
        ["rules"] = new JsonArray(
            Rule("shop.example.com", Path("/", "web-canary", Number(80))),
            Rule("m.example.com", Path("/", "web-canary", Named("http")))),
        ["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray("shop.example.com") }),
    };

    /// <summary>The copy's annotations: the canary ones plus the user's affinity/session-cookie ones ingress-nginx reads on a canary.</summary>
    public static JsonObject ExpectedAnnotations(int weight, params (string Key, string Value)[] extra)
    {
        var annotations = new JsonObject
        {
            [$"{Prefix}/affinity"] = "cookie",
            [$"{Prefix}/session-cookie-name"] = "route",
            [$"{Prefix}/canary"] = "true",
            [$"{Prefix}/canary-weight"] = weight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra) annotations[$"{Prefix}/{key}"] = value;
        return annotations;
    }
}
