using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The pure part of the Gateway API router: turns an HTTPRoute (as read) into the same route carrying a target, or back
/// into the user's route. Both start from the user's route as recorded — the current rules with Canaria's inserted rules
/// removed and the recorded backendRefs/filters put back — so they only ever touch what Canaria owns and repeated calls
/// converge on one object. Neither changes <c>route</c> when it returns an error or "unchanged".
/// </summary>
internal static class HttpRouteEdit
{
    public static (bool Changed, string? Error) Apply(JsonObject route, RouteTarget target, string ns)
    {
        var (record, recordError) = HttpRouteRecord.Read(route);
        if (recordError is not null) return (false, recordError);
        if (record is not null && (record.StableService != target.StableService || record.CanaryService != target.CanaryService))
            return (false, $"it carries a split between Services {record.StableService} and {record.CanaryService}; restore that first");
        var current = route["spec"]?["rules"] as JsonArray ?? [];
        var user = record is null ? Clone(current) : UserRules(current, record, ns);

        var weighted = user.Where(r => HttpBackendRef.References(r, target.StableService, ns)).ToList();
        if (weighted.Count == 0)
            return (false, $"no rule has a backendRef to Service {target.StableService} (spec.service.name), so there is no traffic to split");
        if (user.FirstOrDefault(r => HttpBackendRef.References(r, target.CanaryService, ns)) is not null)
            return (false, $"a rule already sends to Service {target.CanaryService}, which Canaria owns (it selects only the canary's pods)"
                + (record is null ? $"; if Canaria split this route before and its {RouterContext.OriginalAnnotation} annotation was removed, put the rule back by hand" : ""));

        var rules = new JsonArray();
        var next = new HttpRouteRecord { StableService = target.StableService, CanaryService = target.CanaryService };
        foreach (var rule in user)
        {
            if (!weighted.Contains(rule))
            {
                rules.Add(rule.DeepClone());
                continue;
            }
            if (target.Matches.Count > 0)
            {
                var (testUsers, matchError) = HttpRouteWeighting.TestUsers(rule, target, ns);
                if (matchError is not null) return (false, matchError);
                rules.Add(testUsers);
                next.Inserted.Add(new JsonObject { ["before"] = next.Rules.Count, ["rule"] = testUsers!.DeepClone() });
            }
            var (split, splitError) = HttpRouteWeighting.Weighted(rule, target, ns);
            if (splitError is not null) return (false, splitError);
            rules.Add(split);
            var original = new JsonObject { ["backendRefs"] = rule["backendRefs"]!.DeepClone() };
            if (rule["filters"] is { } filters) original["filters"] = filters.DeepClone();
            next.Rules.Add(original);
        }

        var text = next.Text();
        var currentText = (string?)route["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation];
        if (HttpBackendRef.Comparable(rules) == HttpBackendRef.Comparable(current) && text == currentText) return (false, null);
        Spec(route)["rules"] = rules;
        HttpRouteRecord.Write(route, text);
        return (true, null);
    }

    /// <summary>Gives the route back: Canaria's rules out, recorded backendRefs/filters in, annotation removed.</summary>
    public static (bool Changed, string? Error) Restore(JsonObject route, string ns)
    {
        var (record, recordError) = HttpRouteRecord.Read(route);
        if (recordError is not null) return (false, recordError);
        if (record is null) return (false, null);
        var rules = new JsonArray(UserRules(route["spec"]?["rules"] as JsonArray ?? [], record, ns).Select(r => (JsonNode)r).ToArray());
        Spec(route)["rules"] = rules;
        HttpRouteRecord.Remove(route);
        return (true, null);
    }

    /// <summary>
    /// The user's rules: without the rules Canaria inserted (by recorded content, or because they send only to the
    /// canary Service, which Canaria owns), and with the k-th rule that sends to the canary given the k-th recorded
    /// backendRefs and filters back. Everything else of every rule is kept as it is now (the user's edits survive).
    /// </summary>
    public static List<JsonObject> UserRules(JsonArray current, HttpRouteRecord record, string ns)
    {
        var inserted = record.InsertedRules.Select(CanonicalJson.Of).ToHashSet(StringComparer.Ordinal);
        var originals = record.Rules.OfType<JsonObject>().ToList();
        var user = new List<JsonObject>();
        var k = 0;
        foreach (var rule in current.OfType<JsonObject>())
        {
            if (inserted.Contains(CanonicalJson.Of(rule)) || HttpBackendRef.OnlyReferences(rule, record.CanaryService, ns)) continue;
            var copy = (JsonObject)rule.DeepClone();
            if (HttpBackendRef.References(rule, record.CanaryService, ns))
            {
                if (k < originals.Count)
                {
                    copy["backendRefs"] = originals[k]["backendRefs"]?.DeepClone();
                    if (originals[k]["filters"] is { } filters) copy["filters"] = filters.DeepClone();
                    else copy.Remove("filters");
                }
                else
                {
                    // More split rules than recorded (should not happen): drop what Canaria adds, keep the rest.
                    copy["backendRefs"] = new JsonArray(HttpBackendRef.Refs(rule).Where(r => !HttpBackendRef.IsService(r, record.CanaryService, ns)).Select(r => r.DeepClone()).ToArray());
                    if (copy["filters"] is JsonArray f)
                        copy["filters"] = new JsonArray(f.Where(x => !HttpRouteWeighting.IsMirrorTo(x, record.CanaryService, ns)).Select(x => x?.DeepClone()).ToArray());
                }
                k++;
            }
            user.Add(copy);
        }
        return user;
    }

    private static List<JsonObject> Clone(JsonArray rules) => rules.OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()).ToList();

    private static JsonObject Spec(JsonObject route) => route["spec"] as JsonObject ?? (JsonObject)(route["spec"] = new JsonObject());
}
