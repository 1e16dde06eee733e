using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Shapes a VirtualService (in place) for one target: the weighted routes (those sending to the stable Service, or the
/// ones named in spec.trafficRouting.istio.virtualService.routes) get the split and the mirror; before each of them go
/// the test-user routes. Built from the originals recorded in the annotation, so repeating a target changes nothing.
/// </summary>
internal static class IstioVirtualServicePlan
{
    public static IstioPlanResult Apply(JsonObject vs, IstioRequest request)
    {
        var what = $"VirtualService {request.VirtualService}";
        var (originals, readError) = IstioOriginals.Read(vs, what);
        if (readError is not null) return IstioPlanResult.Fail(readError);
        if (originals is not null && originals.Rollout != request.Rollout)
            return IstioPlanResult.Fail($"{what} is being routed by Rollout {originals.Rollout} (annotation {RouterContext.OriginalAnnotation}); one Rollout at a time can split a VirtualService");
        var before = originals?.Serialize();
        originals ??= IstioOriginals.New(request.Rollout);
        if (vs["spec"]?["http"] is not JsonArray http)
            return IstioPlanResult.Fail($"{what} has no HTTP routes (spec.http); Canaria splits HTTP routes only");

        var routes = http.OfType<JsonObject>().ToList();
        var kept = routes.Where(r => !IstioMatchRoute.IsOwn(r, request.Rollout)).ToList();
        foreach (var name in request.Routes.Where(n => !kept.Any(r => (string?)r["name"] == n)))
            return IstioPlanResult.Fail($"{what} has no HTTP route named '{name}' (spec.trafficRouting.istio.virtualService.routes)");
        var weighted = kept.Select((r, i) => request.Routes.Count > 0
            ? request.Routes.Contains((string?)r["name"] ?? "")
            : originals.Part(Key(r, i)) is not null || request.Split.SendsToStable(r["route"] as JsonArray)).ToList();
        var first = weighted.IndexOf(true);
        if (first < 0)
            return IstioPlanResult.Fail($"{what} has no HTTP route that sends to the stable Service {request.Split.Stable.Describe()}{SubsetNote(request)}; nothing was changed");

        var desired = new JsonArray();
        var inserted = 0;
        for (var i = 0; i < kept.Count; i++)
        {
            if (!weighted[i])
            {
                desired.Add(kept[i].DeepClone());
                continue;
            }
            var error = AddWeighted(desired, kept[i], Key(kept[i], i), Label(kept[i], i), originals, request, ref inserted);
            if (error is not null) return IstioPlanResult.Fail(error);
        }

        var observed = Observe(routes, kept[first], request);
        var after = originals.Serialize();
        var changed = !JsonNode.DeepEquals(desired, http) || (before is not null && before != after);
        if (changed)
        {
            ((JsonObject)vs["spec"]!)["http"] = desired;
            IstioOriginals.Write(vs, after);
        }
        return observed with { Changed = changed };
    }

    /// <summary>Key of a route in the recorded originals: its name, or "#index" among the routes Canaria did not insert.</summary>
    public static string Key(JsonObject route, int index) =>
        (string?)route["name"] is { Length: > 0 } name ? name : "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Label(JsonObject route, int index) =>
        (string?)route["name"] is { Length: > 0 } name ? $"HTTP route '{name}'" : $"HTTP route #{index} (unnamed)";

    private static string? AddWeighted(JsonArray desired, JsonObject current, string key, string label, IstioOriginals originals, IstioRequest request, ref int inserted)
    {
        var recorded = originals.Part(key);
        if (recorded is null)
        {
            recorded = [];
            foreach (var field in IstioOriginals.RouteFields) recorded[field] = current[field]?.DeepClone();
            originals.Record(key, recorded);
        }
        var original = recorded["route"] as JsonArray;
        var target = request.Target;
        var (weights, error) = request.Split.Weighted(original, target.CanaryWeight, label);
        if (weights is null) return error;
        var canary = request.Split.CanaryDestination(request.Split.StableEntry(original, label).Entry!);

        var route = (JsonObject)current.DeepClone();
        route["route"] = weights;
        if (target.MirrorPercent > 0)
        {
            if (recorded["mirror"] is not null || route.ContainsKey("mirrors"))
                return $"{label} already mirrors requests (mirror/mirrors); Canaria mirrors to the canary only on a route without a mirror of its own";
            route["mirror"] = canary["destination"]!.DeepClone();
            route["mirrorPercentage"] = new JsonObject { ["value"] = target.MirrorPercent };
        }
        else
        {
            IstioOriginals.SetOrRemove(route, "mirror", recorded["mirror"]);
            IstioOriginals.SetOrRemove(route, "mirrorPercentage", recorded["mirrorPercentage"]);
        }

        foreach (var match in target.Matches)
        {
            var (test, matchError) = IstioMatchRoute.Build(current, match, canary, IstioMatchRoute.Name(request.Rollout, inserted++), label);
            if (test is null) return matchError;
            desired.Add(test);
        }
        desired.Add(route);
        return null;
    }

    /// <summary>What the object carries now: the first weighted route's canary weight and mirror, and the test-user routes right before it.</summary>
    private static IstioPlanResult Observe(List<JsonObject> routes, JsonObject firstWeighted, IstioRequest request)
    {
        var matches = 0;
        foreach (var route in routes)
        {
            if (ReferenceEquals(route, firstWeighted)) break;
            matches = IstioMatchRoute.IsOwn(route, request.Rollout) ? matches + 1 : 0;
        }
        var mirror = 0;
        if (request.Split.IsCanaryDestination(firstWeighted["mirror"]))
        {
            var value = firstWeighted["mirrorPercentage"]?["value"];
            mirror = value is JsonValue v && double.TryParse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var p) ? (int)Math.Round(p) : 100;
        }
        return new IstioPlanResult(false, null, request.Split.ObservedWeight(firstWeighted["route"] as JsonArray), matches, mirror);
    }

    private static string SubsetNote(IstioRequest request) =>
        request.Split.Subsets is { } s ? $" with subset '{s.StableSubset}' (or none)" : "";
}
