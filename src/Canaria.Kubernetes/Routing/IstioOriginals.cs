using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The annotation canaria.dev/original on a user's Istio object: which Rollout changed it and, for every part Canaria
/// changed, its value before (JSON null = the field was absent). VirtualService: per weighted route (by name, or "#index"
/// for an unnamed one) its <c>route</c>, <c>mirror</c> and <c>mirrorPercentage</c>. DestinationRule: per subset the value
/// of its pod-template-hash label.
/// </summary>
internal sealed class IstioOriginals
{
    public static readonly string[] RouteFields = ["route", "mirror", "mirrorPercentage"];

    private IstioOriginals(string rollout, JsonObject parts)
    {
        Rollout = rollout;
        Parts = parts;
    }

    public string Rollout { get; }

    /// <summary>Route key (or subset name) → the recorded original fields.</summary>
    public JsonObject Parts { get; }

    public static IstioOriginals New(string rollout) => new(rollout, []);

    /// <summary>The recorded originals of <paramref name="obj"/>; null when it has none; an error when the annotation is not Canaria's JSON.</summary>
    public static (IstioOriginals? Originals, string? Error) Read(JsonObject obj, string what)
    {
        if ((string?)obj["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation] is not { } text) return (null, null);
        try
        {
            if (JsonNode.Parse(text) is JsonObject { } o && (string?)o["rollout"] is { } rollout && o["parts"] is JsonObject parts)
                return (new IstioOriginals(rollout, (JsonObject)parts.DeepClone()), null);
        }
        catch (JsonException)
        {
        }
        return (null, $"{what} has an annotation {RouterContext.OriginalAnnotation} that Canaria did not write; remove it only if no release is using this object");
    }

    public JsonObject? Part(string key) => Parts[key] as JsonObject;

    public void Record(string key, JsonObject part) => Parts[key] = part;

    public string Serialize() => new JsonObject { ["rollout"] = Rollout, ["parts"] = Parts.DeepClone() }.ToJsonString();

    /// <summary>Writes (or, with null, removes) the annotation; an emptied annotations map is removed too.</summary>
    public static void Write(JsonObject obj, string? value)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject;
        if (value is null)
        {
            annotations?.Remove(RouterContext.OriginalAnnotation);
            if (annotations is { Count: 0 }) metadata.Remove("annotations");
            return;
        }
        annotations ??= [];
        annotations[RouterContext.OriginalAnnotation] = value;
        metadata["annotations"] = annotations;
    }

    /// <summary>Sets <paramref name="target"/>[<paramref name="field"/>] to a copy of <paramref name="value"/>, or removes it for null.</summary>
    public static void SetOrRemove(JsonObject target, string field, JsonNode? value)
    {
        if (value is null) target.Remove(field);
        else target[field] = value.DeepClone();
    }
}
