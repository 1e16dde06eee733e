using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The canary Ingress Canaria keeps next to the user's Ingress for ingress-nginx: &lt;ingress&gt;-canary with the user's
/// ingress class, the rules' hosts and the paths that send to the stable Service (now sending to the canary Service,
/// same port), TLS hosts without secrets, and the canary annotations. Rebuilt from the user's Ingress on every apply.
/// </summary>
internal static class NginxCanaryIngress
{
    public static readonly KubeResource Ingresses = new("networking.k8s.io", "v1", "ingresses", "Ingress");

    public static string NameOf(string ingress) => ingress + "-canary";

    /// <summary>The complete canary Ingress for <paramref name="target"/>, or why the user's Ingress cannot have one.</summary>
    public static (JsonObject? Canary, string? Error) Desired(NginxRouting config, RouterContext context, RouteTarget target, JsonObject user)
    {
        var at = $"Ingress {config.Ingress} in namespace {context.Namespace}";
        var userAnnotations = user["metadata"]?["annotations"] as JsonObject;
        if ((string?)userAnnotations?[$"{config.AnnotationPrefix}/canary"] == "true")
            return (null, $"{at} is itself a canary Ingress ({config.AnnotationPrefix}/canary: \"true\"); spec.trafficRouting.nginx.ingress must name the main Ingress");

        var spec = user["spec"] as JsonObject ?? [];
        var rules = new JsonArray();
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in (spec["rules"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var paths = new JsonArray();
            foreach (var path in (rule["http"]?["paths"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if ((string?)path["backend"]?["service"]?["name"] != target.StableService) continue;
                var copy = new JsonObject();
                if (path["path"] is { } p) copy["path"] = p.DeepClone();
                copy["pathType"] = path["pathType"]?.DeepClone();
                var service = new JsonObject { ["name"] = target.CanaryService };
                if (path["backend"]?["service"]?["port"] is { } port) service["port"] = port.DeepClone();
                copy["backend"] = new JsonObject { ["service"] = service };
                paths.Add(copy);
            }
            if (paths.Count == 0) continue;
            var canaryRule = new JsonObject();
            if ((string?)rule["host"] is { Length: > 0 } host)
            {
                canaryRule["host"] = host;
                hosts.Add(host);
            }
            canaryRule["http"] = new JsonObject { ["paths"] = paths };
            rules.Add(canaryRule);
        }
        if (rules.Count == 0)
            return (null, $"{at} has no path whose backend is the stable Service {target.StableService} (spec.trafficRouting.nginx.ingress, spec.service.name); nothing was changed");

        var canarySpec = new JsonObject();
        if (spec["ingressClassName"] is { } ingressClass) canarySpec["ingressClassName"] = ingressClass.DeepClone();
        canarySpec["rules"] = rules;
        var tls = new JsonArray();
        foreach (var entry in (spec["tls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var kept = (entry["hosts"] as JsonArray)?.Select(h => (string?)h).Where(h => h is not null && hosts.Contains(h)).ToList() ?? [];
            if (kept.Count > 0) tls.Add(new JsonObject { ["hosts"] = new JsonArray(kept.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()) });
        }
        if (tls.Count > 0) canarySpec["tls"] = tls;

        var metadata = RouterOwnership.CreatedMetadata(context, NameOf(config.Ingress));
        metadata["annotations"] = NginxCanaryAnnotations.ToJson(NginxCanaryAnnotations.Desired(config.AnnotationPrefix, target, userAnnotations));
        return (new JsonObject
        {
            ["apiVersion"] = Ingresses.ApiVersion,
            ["kind"] = Ingresses.Kind,
            ["metadata"] = metadata,
            ["spec"] = canarySpec,
        }, null);
    }

    /// <summary>True when <paramref name="current"/> already is <paramref name="desired"/> (annotations, label, owner, spec).</summary>
    public static bool Carries(JsonObject current, JsonObject desired) =>
        JsonNode.DeepEquals(current["metadata"]?["annotations"], desired["metadata"]?["annotations"])
        && JsonNode.DeepEquals(current["metadata"]?["ownerReferences"], desired["metadata"]?["ownerReferences"])
        && (string?)current["metadata"]?["labels"]?[RouterContext.RolloutLabel] == (string?)desired["metadata"]?["labels"]?[RouterContext.RolloutLabel]
        && JsonNode.DeepEquals(current["spec"], desired["spec"]);

    /// <summary>Makes <paramref name="current"/> (Canaria's own object) <paramref name="desired"/>; false when it already is.</summary>
    public static bool Overwrite(JsonObject current, JsonObject desired)
    {
        if (Carries(current, desired)) return false;
        var metadata = (JsonObject)current["metadata"]!;
        metadata["annotations"] = desired["metadata"]!["annotations"]!.DeepClone();
        metadata["ownerReferences"] = desired["metadata"]!["ownerReferences"]!.DeepClone();
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = [];
            metadata["labels"] = labels;
        }
        labels[RouterContext.RolloutLabel] = (string?)desired["metadata"]!["labels"]![RouterContext.RolloutLabel];
        current["spec"] = desired["spec"]!.DeepClone();
        return true;
    }
}
