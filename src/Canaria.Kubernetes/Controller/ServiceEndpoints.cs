using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Controller;

/// <summary>Ready addresses behind a Service, from its Endpoints object (kept by the cluster's endpoints controller).</summary>
internal static class ServiceEndpoints
{
    public static readonly KubeResource Endpoints = new("", "v1", "endpoints", "Endpoints");

    /// <summary>The number of ready addresses; 0 when the Service or its Endpoints do not exist (yet).</summary>
    public static async Task<int> ReadyAsync(KubeClient client, string ns, string service, CancellationToken cancellationToken)
    {
        var got = await client.GetAsync(Endpoints, ns, service, cancellationToken).ConfigureAwait(false);
        if (!got.IsSuccess) return 0;
        return (got.Value!["subsets"] as JsonArray)?.OfType<JsonObject>().Sum(s => (s["addresses"] as JsonArray)?.Count ?? 0) ?? 0;
    }
}
