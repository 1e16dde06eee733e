using System.Text.Json.Nodes;
using System.Text.Json;
using Canaria.Kubernetes.Client;
using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>The metadata of any object read as JSON, typed as the official client's <see cref="V1ObjectMeta"/> (for reads; writes stay patches).</summary>
public static class KubeMeta
{
    public static V1ObjectMeta Of(JsonObject obj) =>
        obj["metadata"] is JsonObject m ? m.Deserialize<V1ObjectMeta>(InformerCodecs.KubeJson) ?? new V1ObjectMeta() : new V1ObjectMeta();

    /// <summary>One annotation's value, or null.</summary>
    public static string? Annotation(this V1ObjectMeta? meta, string name) =>
        meta?.Annotations?.TryGetValue(name, out var value) == true ? value : null;

    /// <summary>When the object was created (MinValue when unknown).</summary>
    public static DateTimeOffset Created(this V1ObjectMeta? meta) => meta?.CreationTimestamp switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } c => new DateTimeOffset(c, TimeSpan.Zero),
        { } c => new DateTimeOffset(c),
    };

    /// <summary>One label's value, or null.</summary>
    public static string? Label(this V1ObjectMeta? meta, string name) =>
        meta?.Labels?.TryGetValue(name, out var value) == true ? value : null;
}
