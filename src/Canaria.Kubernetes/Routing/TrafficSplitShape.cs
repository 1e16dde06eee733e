using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// What a TrafficSplit (split.smi-spec.io v1alpha2/v1alpha3) looks like to the SMI router: its resource, the split
/// Canaria creates, the backends it writes, and which existing splits it refuses to touch.
/// </summary>
internal static class TrafficSplitShape
{
    public const string Group = "split.smi-spec.io";

    /// <summary>The resource of <paramref name="apiVersion"/> (validation allows v1alpha2 and v1alpha3, whose backends are the same).</summary>
    public static KubeResource Resource(string apiVersion)
    {
        var version = apiVersion.StartsWith(Group + "/", StringComparison.Ordinal) ? apiVersion[(Group.Length + 1)..] : "v1alpha2";
        return new KubeResource(Group, version, "trafficsplits", "TrafficSplit");
    }

    /// <summary>The split's name: spec.trafficRouting.smi.trafficSplitName, or the Rollout's name.</summary>
    public static string Name(SmiRouting config, RouterContext context) =>
        config.TrafficSplit is { Length: > 0 } name ? name : context.RolloutName;

    /// <summary>spec.service as written by users: the Service's name, or its DNS name in this namespace (name.ns, name.ns.svc[.zone]).</summary>
    public static bool ApexMatches(string? apex, string root, string ns)
    {
        if (apex is null) return false;
        if (apex == root || apex == $"{root}.{ns}") return true;
        var svc = $"{root}.{ns}.svc";
        return apex == svc || apex.StartsWith(svc + ".", StringComparison.Ordinal);
    }

    /// <summary>The two backends Canaria writes: the step's weights unchanged (250/750), or stable 100−w, canary w.</summary>
    public static JsonArray Backends(RouteTarget target) =>
    [
        new JsonObject { ["service"] = target.StableService, ["weight"] = target.Split.Stable },
        new JsonObject { ["service"] = target.CanaryService, ["weight"] = target.Split.Canary },
    ];

    /// <summary>A split Canaria creates because none exists: owned by the Rollout, labelled, deleted on restore.</summary>
    public static JsonObject Created(SmiRouting config, RouterContext context, RouteTarget target)
    {
        var resource = Resource(config.ApiVersion);
        return new JsonObject
        {
            ["apiVersion"] = resource.ApiVersion,
            ["kind"] = resource.Kind,
            ["metadata"] = RouterOwnership.CreatedMetadata(context, Name(config, context)),
            ["spec"] = new JsonObject { ["service"] = config.RootService, ["backends"] = Backends(target) },
        };
    }

    /// <summary>
    /// Why an existing split cannot carry the target (null: it can): made by Canaria for another Rollout; a user's split
    /// for another apex; no backend for the stable Service; weight on a third Service; unreadable backends.
    /// </summary>
    public static string? Refusal(JsonObject split, SmiRouting config, RouterContext context, RouteTarget target)
    {
        var name = KubeClient.NameOf(split);
        var at = $"TrafficSplit {name} in namespace {context.Namespace}";
        if (RouterOwnership.CreatedFor(split) is { } rollout && rollout != context.RolloutName)
            return $"{at} was created by Canaria for Rollout {rollout}; name another split in spec.trafficRouting.smi.trafficSplitName";
        if (RouterOwnership.IsCreatedBy(split, context)) return null;

        var apex = (string?)split["spec"]?["service"];
        if (!ApexMatches(apex, config.RootService, context.Namespace))
            return $"{at} splits the traffic of apex Service '{apex}', not '{config.RootService}' (spec.trafficRouting.smi.rootService); nothing was changed";
        var weights = TrafficSplitWeights.Read(split, target.StableService, target.CanaryService);
        if (weights.Error is { } error)
            return $"{at}: {error} (spec.backends); nothing was changed";
        if (!weights.HasStableBackend)
            return $"{at} has no backend for the stable Service {target.StableService} (spec.service.name); Canaria splits the apex's traffic between it and {target.CanaryService}; nothing was changed";
        if (weights.OtherService is { } other)
            return $"{at} also sends traffic to Service {other}; Canaria splits only between {target.StableService} and {target.CanaryService} (give {other} weight 0 or its own split); nothing was changed";
        return null;
    }

    /// <summary>
    /// Makes <paramref name="split"/> carry the target; false when it already does (no write). On a user's split the
    /// original backends go into the annotation in this same change, unless an earlier apply recorded them already.
    /// </summary>
    public static bool Mutate(JsonObject split, SmiRouting config, RouterContext context, RouteTarget target)
    {
        var created = RouterOwnership.IsCreatedBy(split, context);
        var weights = TrafficSplitWeights.Read(split, target.StableService, target.CanaryService);
        var apexRight = !created || (string?)split["spec"]?["service"] == config.RootService;
        if (apexRight && weights.Carries(target)) return false;

        if (split["spec"] is not JsonObject spec)
        {
            spec = [];
            split["spec"] = spec;
        }
        if (!created && !RouterOwnership.HasOriginal(split))
        {
            var original = new JsonObject { ["spec"] = new JsonObject { ["backends"] = spec["backends"]?.DeepClone() ?? new JsonArray() } };
            RouterOwnership.WriteOriginal(split, original);
        }
        if (created) spec["service"] = config.RootService;
        spec["backends"] = Backends(target);
        return true;
    }

    /// <summary>Puts the recorded backends back and drops the annotation; false when there is nothing recorded.</summary>
    public static bool Restore(JsonObject split, JsonObject original)
    {
        if (split["spec"] is not JsonObject spec) return false;
        spec["backends"] = original["spec"]?["backends"]?.DeepClone() ?? new JsonArray();
        RouterOwnership.RemoveOriginal(split);
        return true;
    }
}
