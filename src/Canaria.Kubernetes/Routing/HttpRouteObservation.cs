using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>What an HTTPRoute, as read back, sends to the canary: the first split rule's weight, test-user conditions and mirror share.</summary>
internal sealed record HttpRouteObservation(int CanaryWeight, int Matches, int MirrorPercent, bool Recorded)
{
    public static HttpRouteObservation Of(JsonObject route, string stableService, string canaryService, string ns)
    {
        var recorded = HttpRouteRecord.IsOn(route);
        var rules = (route["spec"]?["rules"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var at = rules.FindIndex(r => HttpBackendRef.References(r, canaryService, ns) && !HttpBackendRef.OnlyReferences(r, canaryService, ns));
        if (at < 0) return new HttpRouteObservation(0, 0, 0, recorded);
        var split = rules[at];

        long canary = HttpBackendRef.Refs(split).Where(r => HttpBackendRef.IsService(r, canaryService, ns)).Sum(r => (long)HttpBackendRef.Weight(r));
        long stable = HttpBackendRef.Refs(split).Where(r => HttpBackendRef.IsService(r, stableService, ns)).Sum(r => (long)HttpBackendRef.Weight(r));
        var weight = SplitWeights.RoundedPercent(canary, canary + stable);

        var mirror = (split["filters"] as JsonArray)?.FirstOrDefault(f => HttpRouteWeighting.IsMirrorTo(f, canaryService, ns)) is { } filter
            ? MirrorShare(filter["requestMirror"]!)
            : 0;

        var matches = 0;
        if (at > 0 && HttpBackendRef.OnlyReferences(rules[at - 1], canaryService, ns))
        {
            var inserted = (rules[at - 1]["matches"] as JsonArray)?.Count ?? 0;
            var own = Math.Max(1, (split["matches"] as JsonArray)?.Count ?? 1);
            matches = inserted / own;
        }
        return new HttpRouteObservation(weight, matches, mirror, recorded);
    }

    /// <summary><c>percent</c>, else <c>fraction</c> (numerator/denominator, denominator 100 by default), else all requests.</summary>
    private static int MirrorShare(JsonNode mirror)
    {
        if (mirror["percent"] is JsonValue p && p.TryGetValue<int>(out var percent)) return percent;
        if (mirror["fraction"] is JsonObject f && f["numerator"] is JsonValue n && n.TryGetValue<int>(out var numerator))
        {
            var denominator = f["denominator"] is JsonValue d && d.TryGetValue<int>(out var den) && den > 0 ? den : 100;
            return (int)Math.Round(100.0 * numerator / denominator);
        }
        return 100;
    }
}
