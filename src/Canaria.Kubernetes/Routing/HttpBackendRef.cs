using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>Reading and writing Gateway API backendRefs (HTTPRoute rules, RequestMirror filters) that name a core Service.</summary>
internal static class HttpBackendRef
{
    /// <summary>
    /// True when <paramref name="node"/> names the Service <paramref name="name"/> of namespace <paramref name="ns"/>:
    /// group "" or absent, kind Service or absent, namespace equal or absent.
    /// </summary>
    public static bool IsService(JsonNode? node, string name, string ns)
    {
        if (node is not JsonObject r) return false;
        var group = (string?)r["group"] ?? "";
        var kind = (string?)r["kind"] ?? "Service";
        var refNs = (string?)r["namespace"];
        return group.Length == 0 && kind == "Service" && (string?)r["name"] == name && (refNs is null || refNs == ns);
    }

    /// <summary>A backendRef to a Service in the route's namespace. No empty group is written: absent means the core group.</summary>
    public static JsonObject Service(string name, JsonNode? port, int? weight)
    {
        var r = new JsonObject { ["kind"] = "Service", ["name"] = name };
        if (port is not null) r["port"] = port.DeepClone();
        if (weight is { } w) r["weight"] = w;
        return r;
    }

    /// <summary>The weight of a backendRef; absent means 1 (the Gateway API default).</summary>
    public static int Weight(JsonNode? node) =>
        node?["weight"] is JsonValue v && v.TryGetValue<int>(out var w) ? w : 1;

    public static IEnumerable<JsonObject> Refs(JsonObject rule) => (rule["backendRefs"] as JsonArray)?.OfType<JsonObject>() ?? [];

    public static bool References(JsonObject rule, string name, string ns) => Refs(rule).Any(r => IsService(r, name, ns));

    /// <summary>True when the rule has backendRefs and every one of them names <paramref name="name"/>.</summary>
    public static bool OnlyReferences(JsonObject rule, string name, string ns)
    {
        var refs = Refs(rule).ToList();
        return refs.Count > 0 && refs.All(r => IsService(r, name, ns));
    }

    /// <summary>
    /// The rules as an API server with Gateway API's schema defaults would store them: a reference to a core Service
    /// gets <c>group: ""</c> and <c>kind: Service</c> there, while Canaria writes neither (this test API server cannot
    /// store an empty string in a custom resource). Comparing defaulted forms keeps a stored split from looking changed.
    /// </summary>
    public static string Comparable(JsonNode? rules) => CanonicalJson.Of(WithoutServiceDefaults(rules?.DeepClone()));

    private static JsonNode? WithoutServiceDefaults(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["name"] is not null && (string?)o["group"] is "" or null && (string?)o["kind"] is "Service" or null)
                {
                    o.Remove("group");
                    o.Remove("kind");
                }
                foreach (var (_, v) in o.ToList()) WithoutServiceDefaults(v);
                return o;
            case JsonArray a:
                foreach (var v in a) WithoutServiceDefaults(v);
                return a;
            default:
                return node;
        }
    }
}
