using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The two rule shapes Canaria writes into a user's HTTPRoute: a weighted rule (the user's rule with the stable
/// backendRef split between stable and canary, and an optional RequestMirror filter to the canary), and a test-user
/// rule (the user's rule with every match ANDed with a test-user condition, sending everything to the canary).
/// </summary>
internal static class HttpRouteWeighting
{
    /// <summary>The largest backendRef weight the HTTPRoute API accepts.</summary>
    public const int MaxWeight = 1_000_000;

    /// <summary>
    /// The user's rule with the split (stable/canary weights as the step wrote them, 250/750, or 100−w/w). When the
    /// stable Service is the rule's only backend, stable and canary get those weights. With other backends beside it,
    /// their weights are multiplied by the split's total and the stable's weight s becomes s·stable + s·canary, so the
    /// other backends keep exactly their share.
    /// </summary>
    public static (JsonObject? Rule, string? Error) Weighted(JsonObject rule, RouteTarget target, string ns)
    {
        var refs = HttpBackendRef.Refs(rule).ToList();
        var onlyStable = refs.All(r => HttpBackendRef.IsService(r, target.StableService, ns));
        var split = target.Split;
        if (split.Stable > MaxWeight || split.Canary > MaxWeight)
            return (null, $"weights {split} exceed the HTTPRoute API's maximum backendRef weight ({MaxWeight})");
        if (!onlyStable && refs.Any(r => HttpBackendRef.Weight(r) * split.Total > MaxWeight))
            return (null, $"a backendRef weight above {MaxWeight / split.Total} cannot be split in whole numbers by {split} beside other backends (the API's maximum is {MaxWeight})");
        var backendRefs = new JsonArray();
        JsonNode? mirrorPort = null;
        foreach (var r in refs)
        {
            var copy = (JsonObject)r.DeepClone();
            if (!HttpBackendRef.IsService(r, target.StableService, ns))
            {
                copy["weight"] = (int)(HttpBackendRef.Weight(r) * split.Total);
                backendRefs.Add(copy);
                continue;
            }
            var s = HttpBackendRef.Weight(r);
            // Both fit in an int: the weights and s·total were checked against MaxWeight above.
            var (stable, canary) = onlyStable ? (s == 0 ? (0, 0) : (split.Stable, split.Canary)) : (s * split.Stable, s * split.Canary);
            copy["weight"] = stable;
            backendRefs.Add(copy);
            backendRefs.Add(CanaryRef(r, target.CanaryService, canary));
            mirrorPort ??= r["port"];
        }
        var result = (JsonObject)rule.DeepClone();
        result["backendRefs"] = backendRefs;
        if (target.MirrorPercent > 0)
        {
            var filters = result["filters"] as JsonArray ?? (JsonArray)(result["filters"] = new JsonArray());
            filters.Add(Mirror(target.CanaryService, mirrorPort, target.MirrorPercent));
        }
        return (result, null);
    }

    /// <summary>
    /// The rule inserted before a weighted rule: its matches, each ANDed with each test-user condition (the conditions
    /// are alternatives), sending everything to the canary. Its own filters and other fields are kept, its name is not.
    /// </summary>
    public static (JsonObject? Rule, string? Error) TestUsers(JsonObject rule, RouteTarget target, string ns)
    {
        var original = rule["matches"] as JsonArray is { Count: > 0 } m
            ? m.OfType<JsonObject>().ToList()
            : [new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" } }];
        if (original.Count * target.Matches.Count > HttpRouteConditions.MaxMatches)
            return (null, $"{original.Count} matches × {target.Matches.Count} test-user conditions make more than the {HttpRouteConditions.MaxMatches} matches a rule may have");
        var matches = new JsonArray();
        foreach (var match in original)
        {
            foreach (var condition in target.Matches)
            {
                var combined = (JsonObject)match.DeepClone();
                if (HttpRouteConditions.And(combined, condition) is { } error) return (null, error);
                matches.Add(combined);
            }
        }
        var stable = HttpBackendRef.Refs(rule).First(r => HttpBackendRef.IsService(r, target.StableService, ns));
        var result = (JsonObject)rule.DeepClone();
        result.Remove("name");
        result["matches"] = matches;
        result["backendRefs"] = new JsonArray(CanaryRef(stable, target.CanaryService, 100));
        return (result, null);
    }

    /// <summary>A backendRef to the canary Service on the stable backendRef's port, with the stable's per-backend filters.</summary>
    private static JsonObject CanaryRef(JsonObject stable, string canaryService, int weight)
    {
        var canary = HttpBackendRef.Service(canaryService, stable["port"], weight);
        if (stable["filters"] is { } filters) canary["filters"] = filters.DeepClone();
        return canary;
    }

    /// <summary>A RequestMirror filter; <c>percent</c> only below 100, so a full mirror works on releases without it.</summary>
    public static JsonObject Mirror(string canaryService, JsonNode? port, int percent)
    {
        var mirror = new JsonObject { ["backendRef"] = HttpBackendRef.Service(canaryService, port, null) };
        if (percent < 100) mirror["percent"] = percent;
        return new JsonObject { ["type"] = "RequestMirror", ["requestMirror"] = mirror };
    }

    public static bool IsMirrorTo(JsonNode? filter, string service, string ns) =>
        filter is JsonObject f && (string?)f["type"] == "RequestMirror" && HttpBackendRef.IsService(f["requestMirror"]?["backendRef"], service, ns);
}
