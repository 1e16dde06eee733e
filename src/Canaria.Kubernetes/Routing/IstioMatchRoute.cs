using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The routes Canaria inserts for test users: one per step match, named canaria-&lt;rollout&gt;-&lt;n&gt;, placed right before
/// the weighted route they copy. Each keeps the weighted route's own match conditions (uri, method, …) and its other
/// settings (rewrite, timeout, retries, headers), adds the test-user condition, and sends everything to the canary.
/// </summary>
internal static class IstioMatchRoute
{
    private static readonly string[] NotCopied = ["name", "match", "route", "mirror", "mirrorPercentage", "mirrors", "mirror_percent"];

    public static string Prefix(string rollout) => $"canaria-{rollout}-";

    /// <summary>True for a route this Rollout inserted (and no other Rollout's, even one whose name starts the same).</summary>
    public static bool IsOwn(JsonObject route, string rollout) =>
        (string?)route["name"] is { } name && name.StartsWith(Prefix(rollout), StringComparison.Ordinal)
        && name.Length > Prefix(rollout).Length && name[Prefix(rollout).Length..].All(char.IsAsciiDigit);

    public static (JsonObject? Route, string? Error) Build(JsonObject weighted, MatchSpec match, JsonObject canaryEntry, string name, string routeLabel)
    {
        var conditions = weighted["match"] as JsonArray is { Count: > 0 } m ? m.OfType<JsonObject>().ToList() : [[]];
        var merged = new JsonArray();
        foreach (var condition in conditions)
        {
            var copy = (JsonObject)condition.DeepClone();
            var (field, key, stringMatch) = Condition(match);
            var map = copy[field] as JsonObject ?? [];
            if (map.ContainsKey(key))
                return (null, $"{routeLabel} already matches {field}.{key}; a test-user match on the same {(field == "queryParams" ? "query parameter" : "header")} cannot be added to it");
            map[key] = stringMatch;
            copy[field] = map;
            merged.Add(copy);
        }
        var entry = (JsonObject)canaryEntry.DeepClone();
        entry.Remove("weight");
        var route = new JsonObject { ["name"] = name, ["match"] = merged, ["route"] = new JsonArray(entry) };
        foreach (var (key, value) in weighted)
        {
            if (!NotCopied.Contains(key)) route[key] = value?.DeepClone();
        }
        return (route, null);
    }

    /// <summary>The HTTPMatchRequest field, key and StringMatch for one step match.</summary>
    private static (string Field, string Key, JsonObject Match) Condition(MatchSpec match) => match.Kind switch
    {
        MatchKind.Header => ("headers", match.Name.ToLowerInvariant(), StringMatch(match.Operator, match.Value)),
        MatchKind.Query => ("queryParams", match.Name,
            // Istio's queryParams do not take prefix: a prefix becomes the equivalent regex.
            match.Operator == MatchOperator.Prefix
                ? new JsonObject { ["regex"] = Re2Pattern.Value(MatchOperator.Prefix, match.Value) }
                : StringMatch(match.Operator, match.Value)),
        _ => ("headers", "cookie", new JsonObject { ["regex"] = Re2Pattern.Cookie(match.Name, match.Operator, match.Value) }),
    };

    private static JsonObject StringMatch(MatchOperator op, string value) => op switch
    {
        MatchOperator.Exact => new JsonObject { ["exact"] = value },
        MatchOperator.Prefix => new JsonObject { ["prefix"] = value },
        _ => new JsonObject { ["regex"] = value },
    };

    /// <summary>Number n of an own route's name canaria-&lt;rollout&gt;-&lt;n&gt;.</summary>
    public static string Name(string rollout, int n) => Prefix(rollout) + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
