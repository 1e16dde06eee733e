using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Small builders for the objects the tests create.</summary>
internal static class Objects
{
    public static JsonObject ConfigMap(string name, IDictionary<string, string>? data = null, IDictionary<string, string>? labels = null)
    {
        var d = new JsonObject();
        foreach (var (k, v) in data ?? new Dictionary<string, string>())
        {
            d[k] = v;
        }
        var l = new JsonObject();
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            l[k] = v;
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = l },
            ["data"] = d,
        };
    }

    public static JsonObject Deployment(string name, int replicas, string app)
    {
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = app } },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "app",
                            ["image"] = "example.invalid/app:v1",
                            ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
                        }),
                    },
                },
            },
        };
    }

    public static string? Str(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }
        return node?.GetValue<object>()?.ToString();
    }

    public static long Int(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }
        return node is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
    }
}
