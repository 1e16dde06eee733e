using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Subset mode: the DestinationRule's stable and canary subsets get the label pod-template-hash of their revision, so each
/// subset selects exactly one version even while the stable Service selects both. The label's value before is recorded.
/// </summary>
internal static class IstioSubsetPlan
{
    private const string RecordedLabel = "label";

    public static IstioPlanResult Apply(JsonObject dr, string rollout, IstioDestinationRule rule, IstioHosts stable, RouteTarget target)
    {
        var what = $"DestinationRule {rule.Name}";
        var (originals, readError) = IstioOriginals.Read(dr, what);
        if (readError is not null) return IstioPlanResult.Fail(readError);
        if (originals is not null && originals.Rollout != rollout)
            return IstioPlanResult.Fail($"{what} is being used by Rollout {originals.Rollout} (annotation {RouterContext.OriginalAnnotation}); one Rollout at a time can label its subsets");
        var before = originals?.Serialize();
        originals ??= IstioOriginals.New(rollout);
        var host = (string?)dr["spec"]?["host"];
        if (!stable.Matches(host))
            return IstioPlanResult.Fail($"{what} is for host '{host}', not the stable Service {stable.Describe()} (spec.trafficRouting.istio.destinationRule.name)");
        var subsets = dr["spec"]?["subsets"] as JsonArray ?? [];
        var desired = (JsonArray)subsets.DeepClone();
        foreach (var (name, field, hash) in new[]
                 {
                     (rule.StableSubset, "stableSubsetName", target.StablePodHash),
                     (rule.CanarySubset, "canarySubsetName", target.CanaryPodHash),
                 })
        {
            if (Find(desired, name) is not { } subset)
                return IstioPlanResult.Fail($"{what} has no subset '{name}' (spec.trafficRouting.istio.destinationRule.{field}); add it with the labels both versions share, Canaria adds {PodTemplates.HashLabel}");
            var recorded = originals.Part(name);
            if (hash is not null)
            {
                if (recorded is null) originals.Record(name, new JsonObject { [RecordedLabel] = subset["labels"]?[PodTemplates.HashLabel]?.DeepClone() });
                var labels = subset["labels"] as JsonObject ?? [];
                labels[PodTemplates.HashLabel] = hash;
                subset["labels"] = labels;
            }
            else if (recorded is not null)
            {
                PutBack(subset, recorded);
            }
        }
        var after = originals.Serialize();
        var changed = !JsonNode.DeepEquals(desired, subsets) || (before is not null && before != after);
        if (changed)
        {
            ((JsonObject)dr["spec"]!)["subsets"] = desired;
            IstioOriginals.Write(dr, after);
        }
        return new IstioPlanResult(changed);
    }

    /// <summary>Puts the recorded labels back and removes the annotation; true when <paramref name="dr"/> must be written.</summary>
    public static bool Restore(JsonObject dr, string rollout)
    {
        var (originals, _) = IstioOriginals.Read(dr, "");
        if (originals is null || originals.Rollout != rollout) return false;
        if (dr["spec"]?["subsets"] is JsonArray subsets)
        {
            foreach (var (name, recorded) in originals.Parts)
            {
                if (Find(subsets, name) is { } subset && recorded is JsonObject r) PutBack(subset, r);
            }
        }
        IstioOriginals.Write(dr, null);
        return true;
    }

    private static void PutBack(JsonObject subset, JsonObject recorded)
    {
        if (subset["labels"] is not JsonObject labels) return;
        IstioOriginals.SetOrRemove(labels, PodTemplates.HashLabel, recorded[RecordedLabel]);
        if (labels.Count == 0) subset.Remove("labels");
    }

    private static JsonObject? Find(JsonArray subsets, string name) =>
        subsets.OfType<JsonObject>().FirstOrDefault(s => (string?)s["name"] == name);
}
