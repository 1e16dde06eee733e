using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Canaria.Kubernetes.Client;

/// <summary>The cached shapes: JSON for the Rollout CRD and the routers' objects, the official client's models for core kinds.</summary>
internal static class InformerCodecs
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Objects as <see cref="JsonObject"/>s: fields no model knows survive a read-modify-write.</summary>
    public static readonly InformerCodec<JsonObject> Json = new JsonCodec();

    public static readonly InformerCodec<V1Deployment> Deployments = new TypedCodec<V1Deployment>(d => d.Spec?.Template);
    public static readonly InformerCodec<V1ReplicaSet> ReplicaSets = new TypedCodec<V1ReplicaSet>(rs => rs.Spec?.Template);
    public static readonly InformerCodec<V1Service> Services = new TypedCodec<V1Service>();
    public static readonly InformerCodec<V1Pod> Pods = new TypedCodec<V1Pod>();

    /// <summary>The official client's own serializer settings (its date, quantity and int-or-string converters).</summary>
    public static JsonSerializerOptions KubeJson { get; } = LoadOptions();

    /// <summary>Removes what no reader needs from <paramref name="raw"/> in place and returns it.</summary>
    public static JsonObject Strip(JsonObject raw)
    {
        if (raw["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations && annotations.Remove(LastAppliedAnnotation) && annotations.Count == 0)
                metadata.Remove("annotations");
        }
        return raw;
    }

    /// <summary>A JSON object of one of the official client's models as that model (null fields and fields it does not know dropped).</summary>
    public static T Typed<T>(JsonObject raw) where T : class =>
        raw.Deserialize<T>(KubeJson) ?? throw new JsonException($"{typeof(T).Name}: the object is JSON null");

    private static JsonSerializerOptions LoadOptions()
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesJson handed out no serializer options");
    }

    private sealed class JsonCodec : InformerCodec<JsonObject>
    {
        public override JsonObject Decode(JsonObject raw) => Strip(raw);

        public override CachedIdentity Identity(JsonObject obj) => new((string?)obj["metadata"]?["namespace"], (string?)obj["metadata"]?["name"],
            (string?)obj["metadata"]?["uid"], (string?)obj["metadata"]?["resourceVersion"]);
    }

    /// <param name="template">The object's pod template, whose hash is taken from the JSON (see <see cref="Resources.PodTemplates.Hash(V1PodTemplateSpec?)"/>).</param>
    private sealed class TypedCodec<T>(Func<T, V1PodTemplateSpec?>? template = null) : InformerCodec<T> where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public override T Decode(JsonObject raw)
        {
            var typed = Typed<T>(Strip(raw));
            if (template is not null) Resources.PodTemplates.Remember(template(typed), raw["spec"]?["template"]);
            return typed;
        }

        public override CachedIdentity Identity(T obj) =>
            new(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name, obj.Metadata?.Uid, obj.Metadata?.ResourceVersion);
    }
}
