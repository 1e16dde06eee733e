using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>
/// spec.trafficRouting and what the steps ask of it: a step's matches or mirror that a chosen router cannot carry is an
/// error on the Rollout, never a silent no-op (e.g. mirroring on ingress-nginx, a cookie value on ingress-nginx).
/// </summary>
internal static class TrafficRoutingValidator
{
    public static readonly IReadOnlyList<string> SmiVersions = ["split.smi-spec.io/v1alpha2", "split.smi-spec.io/v1alpha3"];

    public static void Validate(RolloutSpec spec, Platform platform, Action<string, string> add)
    {
        var routing = spec.TrafficRouting;
        if (platform == Platform.Local)
        {
            if (routing is not null)
                add("spec.trafficRouting", "is for the Kubernetes platform; on this machine Canaria's own gateway routes (use spec.service)");
            return;
        }
        if (routing is null || !routing.Any)
        {
            if (routing is not null) add("spec.trafficRouting", "names no router (istio, smi, nginx or gatewayAPI)");
            ForEachStep(spec, (at, step) =>
            {
                if (step.Matches.Count > 0)
                    add($"{at}.matches", "need spec.trafficRouting: without a router the canary's share follows its share of ready pods and cannot pick test users");
                if (step.Mirror > 0)
                    add($"{at}.mirror", "needs spec.trafficRouting with istio or gatewayAPI: without a router nothing can copy requests");
            });
            return;
        }
        if (spec.Service is not { Name.Length: > 0 })
            add("spec.service.name", "is required with spec.trafficRouting: it names the stable Service (Canaria adds <name>-canary for the canary)");

        if (routing.Istio is { } istio)
        {
            if (istio.DestinationRule is { } rule)
            {
                if (rule.StableSubset == rule.CanarySubset)
                    add("spec.trafficRouting.istio.destinationRule.canarySubsetName", $"'{rule.CanarySubset}' must differ from stableSubsetName");
                if (routing.Smi is not null || routing.Nginx is not null || routing.GatewayApi is not null)
                    add("spec.trafficRouting.istio.destinationRule",
                        "subset routing needs the stable Service to select both versions, but smi, nginx and gatewayAPI route by Service; drop destinationRule (Istio then routes to the stable and canary Services)");
            }
        }
        if (routing.Smi is { } smi && !SmiVersions.Contains(smi.ApiVersion))
            add("spec.trafficRouting.smi.apiVersion", $"'{smi.ApiVersion}' is not supported ({string.Join(" or ", SmiVersions)})");

        ForEachStep(spec, (at, step) => CheckStep(routing, at, step, add));
    }

    private static void CheckStep(TrafficRoutingSpec routing, string at, StepSpec step, Action<string, string> add)
    {
        if (step.Mirror > 0)
        {
            if (routing.Smi is not null) add($"{at}.mirror", "SMI TrafficSplit cannot mirror requests (use istio or gatewayAPI)");
            if (routing.Nginx is not null) add($"{at}.mirror", "ingress-nginx canary annotations cannot mirror requests (use istio or gatewayAPI)");
        }
        if (step.Matches.Count == 0) return;
        if (routing.Smi is not null)
            add($"{at}.matches", "SMI TrafficSplit routes by weight only; it cannot send test users to the canary (use istio, nginx or gatewayAPI)");
        if (routing.Nginx is not null) CheckNginx(step.Matches, at, add);
    }

    /// <summary>ingress-nginx has one canary-by-header and one canary-by-cookie, and a cookie routes only when its value is "always".</summary>
    private static void CheckNginx(IReadOnlyList<MatchSpec> matches, string at, Action<string, string> add)
    {
        if (matches.Count(m => m.Kind == MatchKind.Header) > 1)
            add($"{at}.matches", "ingress-nginx supports one header match (canary-by-header) per canary Ingress");
        if (matches.Count(m => m.Kind == MatchKind.Cookie) > 1)
            add($"{at}.matches", "ingress-nginx supports one cookie match (canary-by-cookie) per canary Ingress");
        for (var i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            if (m.Kind == MatchKind.Query)
                add($"{at}.matches[{i}].query", "ingress-nginx cannot route by query parameter (use a header or cookie match)");
            else if (m.Kind == MatchKind.Cookie && !(m.Operator == MatchOperator.Exact && m.Value == "always"))
                add($"{at}.matches[{i}].cookie",
                    $"ingress-nginx sends a request to the canary by cookie only when the cookie's value is \"always\" (canary-by-cookie); write cookie: {{name: {m.Name}, exact: always}} or use a header match");
        }
    }

    private static void ForEachStep(RolloutSpec spec, Action<string, StepSpec> check)
    {
        var root = spec.Strategy.Kind == StrategyKind.BlueGreen ? "spec.strategy.blueGreen" : "spec.strategy.canary";
        var steps = StepPlan.Steps(spec);
        for (var i = 0; i < spec.Strategy.Steps.Count && i < steps.Count; i++) check($"{root}.steps[{i}]", steps[i]);
    }
}
