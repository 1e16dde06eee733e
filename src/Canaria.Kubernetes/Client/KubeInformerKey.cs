using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Client;

/// <summary>How informers and work queues key an object: <c>namespace/name</c> (just the name when cluster-scoped).</summary>
internal static class KubeInformer
{
    internal static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    internal static string KeyOf(JsonObject obj) =>
        Key((string?)obj["metadata"]?["namespace"], (string?)obj["metadata"]?["name"] ?? "");
}
