using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>TrafficSplits as users write them (seed 003).</summary>
internal static class SmiObjects
{
    public static JsonObject Split(string name, string apex, params (string Service, long Weight)[] backends) => new()
    {
        ["apiVersion"] = "split.smi-spec.io/v1alpha2",
        ["kind"] = "TrafficSplit",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["team"] = "web" } },
        ["spec"] = new JsonObject { ["service"] = apex, ["backends"] = Backends(backends) },
    };

    public static JsonArray Backends(params (string Service, long Weight)[] backends) =>
        new(backends.Select(b => (JsonNode?)new JsonObject { ["service"] = b.Service, ["weight"] = b.Weight }).ToArray());

    public static JsonObject BackendsPatch(params (string Service, long Weight)[] backends) =>
        new() { ["spec"] = new JsonObject { ["backends"] = Backends(backends) } };
}
