using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// What Canaria changed on a user's HTTPRoute, kept as JSON in its <see cref="RouterContext.OriginalAnnotation"/>
/// annotation and written in the same update as the change: the original backendRefs and filters of every weighted rule
/// (in rule order), and the rules Canaria inserted (each with the index of the weighted rule it precedes and its
/// content). Everything a restarted controller needs to give the route back is in the cluster.
/// </summary>
internal sealed record HttpRouteRecord
{
    public required string StableService { get; init; }
    public required string CanaryService { get; init; }

    /// <summary>One entry per weighted rule: <c>{"backendRefs": [...], "filters": [...]}</c>; "filters" absent when the rule had none.</summary>
    public JsonArray Rules { get; init; } = [];

    /// <summary>One entry per inserted rule: <c>{"before": k, "rule": {...}}</c>, k indexing <see cref="Rules"/>.</summary>
    public JsonArray Inserted { get; init; } = [];

    public IEnumerable<JsonObject> InsertedRules => Inserted.OfType<JsonObject>().Select(e => e["rule"]).OfType<JsonObject>();

    public static bool IsOn(JsonObject route) => route["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation] is not null;

    /// <summary>The record on <paramref name="route"/>: null when it has none, or an error when the annotation is not one of Canaria's.</summary>
    public static (HttpRouteRecord? Record, string? Error) Read(JsonObject route)
    {
        if ((string?)route["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation] is not { } text) return (null, null);
        try
        {
            if (JsonNode.Parse(text) is JsonObject o
                && (string?)o["stableService"] is { Length: > 0 } stable
                && (string?)o["canaryService"] is { Length: > 0 } canary
                && o["rules"] is JsonArray rules)
            {
                return (new HttpRouteRecord
                {
                    StableService = stable,
                    CanaryService = canary,
                    Rules = (JsonArray)rules.DeepClone(),
                    Inserted = o["inserted"]?.DeepClone() as JsonArray ?? [],
                }, null);
            }
        }
        catch (JsonException)
        {
        }
        return (null, $"annotation {RouterContext.OriginalAnnotation} is not what Canaria wrote (stableService, canaryService, rules); fix or remove it by hand");
    }

    /// <summary>The annotation's value: canonical JSON, so the same record is always the same string (no write when unchanged).</summary>
    public string Text() => CanonicalJson.Of(new JsonObject
    {
        ["stableService"] = StableService,
        ["canaryService"] = CanaryService,
        ["rules"] = Rules.DeepClone(),
        ["inserted"] = Inserted.DeepClone(),
    });

    public static void Write(JsonObject route, string text)
    {
        var metadata = route["metadata"] as JsonObject ?? (JsonObject)(route["metadata"] = new JsonObject());
        var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
        annotations[RouterContext.OriginalAnnotation] = text;
    }

    public static void Remove(JsonObject route)
    {
        if (route["metadata"]?["annotations"] is not JsonObject annotations) return;
        annotations.Remove(RouterContext.OriginalAnnotation);
        if (annotations.Count == 0) ((JsonObject)route["metadata"]!).Remove("annotations");
    }
}
