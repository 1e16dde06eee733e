using System.Text.Json.Nodes;
using k8s.Models;

namespace Canaria.Kubernetes.Resources;

/// <summary>
/// A Rollout as read from the API server: its metadata typed (the official client's <see cref="V1ObjectMeta"/>), its
/// spec and status as the JSON it came as (the spec is parsed by Core; unknown fields are never dropped, since every
/// write is a patch or a /status write of the object as read). Read-only: writes go through the JSON object.
/// </summary>
public sealed class RolloutObject
{
    private RolloutObject(JsonObject json, V1ObjectMeta metadata)
    {
        Json = json;
        Metadata = metadata;
    }

    public JsonObject Json { get; }

    public V1ObjectMeta Metadata { get; }

    public string Name => Metadata.Name ?? "";

    public string? Namespace => Metadata.NamespaceProperty;

    public string? Uid => Metadata.Uid;

    /// <summary>metadata.generation (bumped by every spec change, never by a status write); -1 when absent.</summary>
    public long Generation => Metadata.Generation ?? -1;

    public string? ResourceVersion => Metadata.ResourceVersion;

    public bool Deleting => Metadata.DeletionTimestamp is not null;

    public IReadOnlyList<string> Finalizers => Metadata.Finalizers?.ToList() ?? [];

    /// <summary>The <see cref="RolloutCommandAnnotation"/> value, or null.</summary>
    public string? Command => Metadata.Annotation(RolloutCommandAnnotation.Name);

    public JsonObject? Status => Json["status"] as JsonObject;

    public static RolloutObject Of(JsonObject json) => new(json, KubeMeta.Of(json));
}
