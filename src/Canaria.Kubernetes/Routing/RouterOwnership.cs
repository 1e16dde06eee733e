using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Who an object belongs to and what Canaria recorded on it: the metadata of objects a router creates (label + owner
/// reference to the Rollout), and the <see cref="RouterContext.OriginalAnnotation"/> on a user's object.
/// </summary>
internal static class RouterOwnership
{
    /// <summary>metadata of an object Canaria creates for the Rollout: labelled with it and owned by it.</summary>
    public static JsonObject CreatedMetadata(RouterContext context, string name) => new()
    {
        ["name"] = name,
        ["namespace"] = context.Namespace,
        ["labels"] = new JsonObject { [RouterContext.RolloutLabel] = context.RolloutName },
        ["ownerReferences"] = context.OwnerReferences(),
    };

    /// <summary>The Rollout an object was created for (its <see cref="RouterContext.RolloutLabel"/>), or null for a user's object.</summary>
    public static string? CreatedFor(JsonObject obj) => KubeMeta.Of(obj).Label(RouterContext.RolloutLabel);

    public static bool IsCreatedBy(JsonObject obj, RouterContext context) => CreatedFor(obj) == context.RolloutName;

    public static string? Uid(JsonObject obj) => KubeMeta.Of(obj).Uid;

    public static string? ResourceVersion(JsonObject obj) => KubeMeta.Of(obj).ResourceVersion;

    public static bool HasOriginal(JsonObject obj) => KubeMeta.Of(obj).Annotation(RouterContext.OriginalAnnotation) is not null;

    /// <summary>The recorded originals; null when there are none; an error when the annotation is not a JSON object.</summary>
    public static (JsonObject? Original, string? Error) ReadOriginal(JsonObject obj)
    {
        if (KubeMeta.Of(obj).Annotation(RouterContext.OriginalAnnotation) is not { } value) return (null, null);
        try
        {
            return JsonNode.Parse(value) is JsonObject original
                ? (original, null)
                : (null, $"annotation {RouterContext.OriginalAnnotation} is not a JSON object");
        }
        catch (JsonException e)
        {
            return (null, $"annotation {RouterContext.OriginalAnnotation} is not valid JSON ({e.Message})");
        }
    }

    public static void WriteOriginal(JsonObject obj, JsonObject original)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        if (metadata["annotations"] is not JsonObject annotations)
        {
            annotations = [];
            metadata["annotations"] = annotations;
        }
        annotations[RouterContext.OriginalAnnotation] = original.ToJsonString();
    }

    public static void RemoveOriginal(JsonObject obj)
    {
        if (obj["metadata"]?["annotations"] is not JsonObject annotations) return;
        annotations.Remove(RouterContext.OriginalAnnotation);
        if (annotations.Count == 0) ((JsonObject)obj["metadata"]!).Remove("annotations");
    }

    /// <summary>Deletes an object Canaria created, only the very one read (uid precondition); gone already is fine.</summary>
    public static async Task<string?> DeleteCreatedAsync(RouterContext context, KubeResource resource, JsonObject obj, CancellationToken cancellationToken)
    {
        var name = KubeClient.NameOf(obj);
        var deleted = await context.Client.DeleteAsync(resource, context.Namespace, name,
            new DeleteOptions { PreconditionUid = Uid(obj) }, cancellationToken).ConfigureAwait(false);
        if (deleted.IsSuccess || deleted.Error!.IsNotFound) return null;
        // A uid precondition fails with 409 when the object was deleted and created again meanwhile: the next restore reads it
        // afresh (and deletes it only if it is Canaria's).
        return deleted.Error.IsConflict
            ? $"{resource.Kind} {name} in namespace {context.Namespace} was replaced while Canaria deleted it; restore again"
            : $"deleting {resource.Kind} {name} in namespace {context.Namespace} failed: {deleted.Error}";
    }
}
