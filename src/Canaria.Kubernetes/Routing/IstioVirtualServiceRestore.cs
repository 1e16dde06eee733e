using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Gives a VirtualService back (in place): the weighted routes get their recorded route, mirror and mirrorPercentage, the
/// test-user routes this Rollout inserted go, and so does the annotation. Everything else — including what the user
/// changed during the release — stays as it is now.
/// </summary>
internal static class IstioVirtualServiceRestore
{
    /// <summary>True when <paramref name="vs"/> was changed and must be written.</summary>
    public static bool Restore(JsonObject vs, string rollout)
    {
        var (originals, _) = IstioOriginals.Read(vs, "");
        if (originals is not null && originals.Rollout != rollout) originals = null;
        var ownAnnotation = originals is not null;
        if (vs["spec"]?["http"] is not JsonArray http)
        {
            if (ownAnnotation) IstioOriginals.Write(vs, null);
            return ownAnnotation;
        }
        var desired = new JsonArray();
        var index = 0;
        foreach (var route in http.OfType<JsonObject>())
        {
            if (IstioMatchRoute.IsOwn(route, rollout)) continue;
            var copy = (JsonObject)route.DeepClone();
            if (originals?.Part(IstioVirtualServicePlan.Key(route, index)) is { } recorded)
            {
                foreach (var field in IstioOriginals.RouteFields) IstioOriginals.SetOrRemove(copy, field, recorded[field]);
            }
            desired.Add(copy);
            index++;
        }
        var changed = !JsonNode.DeepEquals(desired, http);
        if (changed) ((JsonObject)vs["spec"]!)["http"] = desired;
        if (ownAnnotation) IstioOriginals.Write(vs, null);
        return changed || ownAnnotation;
    }

    /// <summary>True when nothing of <paramref name="rollout"/>'s is left in <paramref name="vs"/>.</summary>
    public static bool IsClean(JsonObject vs, string rollout) =>
        IstioOriginals.Read(vs, "").Originals?.Rollout != rollout
        && (vs["spec"]?["http"] as JsonArray)?.OfType<JsonObject>().Any(r => IstioMatchRoute.IsOwn(r, rollout)) != true;
}
