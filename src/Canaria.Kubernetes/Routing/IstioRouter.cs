using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Istio (seeds 000 and 001): weights, test-user routes and a mirror on the user's VirtualService; with a DestinationRule,
/// between its stable and canary subsets, which get the revisions' pod-template-hash. Creates nothing; every original
/// value it changes is recorded in the changed object itself, so any controller instance can restore it.
/// </summary>
internal sealed class IstioRouter(IstioRouting config) : ITrafficRouter
{
    private const string VirtualServiceField = "spec.trafficRouting.istio.virtualService.name";
    private const string DestinationRuleField = "spec.trafficRouting.istio.destinationRule.name";

    public string Name => "istio";

    public async Task<RouterOutcome> ApplyAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken)
    {
        var request = Request(context, target);
        var client = context.Client;
        var ns = context.Namespace;

        // The VirtualService's shape is checked before anything is written (a refused shape changes nothing).
        var current = await client.GetAsync(IstioResources.VirtualServices, ns, config.VirtualService, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess) return Failed(current.Error!, ReadFailed(current.Error!, "VirtualService", config.VirtualService, ns, VirtualServiceField));
        if (IstioVirtualServicePlan.Apply((JsonObject)current.Value!.DeepClone(), request).Error is { } shape) return RouterOutcome.Fail(shape);

        // Subsets select their revision before any weight moves to them.
        if (config.DestinationRule is { } rule)
        {
            string? error = null;
            var dr = await client.UpdateWithRetryAsync(IstioResources.DestinationRules, ns, rule.Name, o =>
            {
                var plan = IstioSubsetPlan.Apply(o, request.Rollout, rule, request.Split.Stable, target);
                error = plan.Error;
                return plan.Changed;
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!dr.IsSuccess) return Failed(dr.Error!, WriteFailed(dr.Error!, "DestinationRule", rule.Name, ns, DestinationRuleField));
            if (error is not null) return RouterOutcome.Fail(error);
        }

        string? vsError = null;
        string? drift = null;
        var vs = await client.UpdateWithRetryAsync(IstioResources.VirtualServices, ns, config.VirtualService, o =>
        {
            var plan = IstioVirtualServicePlan.Apply(o, request);
            vsError = plan.Error;
            // The plan says what the routes carried before: when the split was verified on them, someone changed it since.
            drift = context.Holding && plan.Changed && plan.Error is null
                ? $"VirtualService {config.VirtualService} in namespace {ns} spec.http routes were edited to canary weight {plan.Weight}% " +
                  $"({plan.Matches} test-user route(s), mirror {plan.Mirror}%); Canaria's {target.CanaryWeight}% " +
                  $"({target.Matches.Count} test-user route(s), mirror {target.MirrorPercent}%) is written back"
                : null;
            return plan.Changed;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!vs.IsSuccess) return Failed(vs.Error!, WriteFailed(vs.Error!, "VirtualService", config.VirtualService, ns, VirtualServiceField));
        if (vsError is not null) return RouterOutcome.Fail(vsError);

        var outcome = await ReadBackAsync(context, request, cancellationToken).ConfigureAwait(false);
        return drift is null || outcome.State is null ? outcome : outcome with { State = outcome.State with { Drift = drift } };
    }

    public async Task<RouterOutcome> RestoreAsync(RouterContext context, CancellationToken cancellationToken)
    {
        var client = context.Client;
        var ns = context.Namespace;
        var rollout = context.RolloutName;

        // Traffic goes back to stable first; the subsets' labels after.
        var vs = await client.UpdateWithRetryAsync(IstioResources.VirtualServices, ns, config.VirtualService,
            o => IstioVirtualServiceRestore.Restore(o, rollout), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!vs.IsSuccess && !vs.Error!.IsNotFound) return RouterOutcome.Fail(WriteFailed(vs.Error, "VirtualService", config.VirtualService, ns, VirtualServiceField));
        // Nothing to hand back, but a VirtualService that does not exist is never "verified": the next release could not route.
        string? gone = vs.IsSuccess ? null : ReadFailed(vs.Error!, "VirtualService", config.VirtualService, ns, VirtualServiceField);
        var clean = !vs.IsSuccess || IstioVirtualServiceRestore.IsClean(vs.Value!, rollout);

        if (config.DestinationRule is { } rule)
        {
            var dr = await client.UpdateWithRetryAsync(IstioResources.DestinationRules, ns, rule.Name,
                o => IstioSubsetPlan.Restore(o, rollout), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!dr.IsSuccess && !dr.Error!.IsNotFound) return RouterOutcome.Fail(WriteFailed(dr.Error, "DestinationRule", rule.Name, ns, DestinationRuleField));
            clean &= !dr.IsSuccess || IstioOriginals.Read(dr.Value!, "").Originals?.Rollout != rollout;
        }
        if (gone is not null) return RouterOutcome.Gone(Name, gone);
        return new RouterOutcome(new RouterState(Name, clean, 0, 0, 0, clean ? null : "Canaria's changes are still on the Istio objects"), null);
    }

    /// <summary>Reads both objects back; verified only when planning the same target on them would change nothing.</summary>
    private async Task<RouterOutcome> ReadBackAsync(RouterContext context, IstioRequest request, CancellationToken cancellationToken)
    {
        var ns = context.Namespace;
        var vs = await context.Client.GetAsync(IstioResources.VirtualServices, ns, config.VirtualService, cancellationToken).ConfigureAwait(false);
        if (!vs.IsSuccess) return Failed(vs.Error!, ReadFailed(vs.Error!, "VirtualService", config.VirtualService, ns, VirtualServiceField));
        var plan = IstioVirtualServicePlan.Apply((JsonObject)vs.Value!.DeepClone(), request);
        if (plan.Error is not null) return RouterOutcome.Fail(plan.Error);
        var message = plan.Changed ? $"VirtualService {config.VirtualService} read back does not carry the target" : null;

        if (config.DestinationRule is { } rule)
        {
            var dr = await context.Client.GetAsync(IstioResources.DestinationRules, ns, rule.Name, cancellationToken).ConfigureAwait(false);
            if (!dr.IsSuccess) return Failed(dr.Error!, ReadFailed(dr.Error!, "DestinationRule", rule.Name, ns, DestinationRuleField));
            var subsets = IstioSubsetPlan.Apply((JsonObject)dr.Value!.DeepClone(), request.Rollout, rule, request.Split.Stable, request.Target);
            if (subsets.Error is not null) return RouterOutcome.Fail(subsets.Error);
            if (subsets.Changed) message ??= $"DestinationRule {rule.Name} read back does not carry the subsets' {Resources.PodTemplates.HashLabel}";
        }
        return new RouterOutcome(new RouterState(Name, message is null, plan.Weight, plan.Matches, plan.Mirror, message), null);
    }

    private IstioRequest Request(RouterContext context, RouteTarget target) => new(
        context.RolloutName,
        config.VirtualService,
        config.Routes,
        new IstioSplit(new IstioHosts(target.StableService, context.Namespace), target.CanaryService, config.DestinationRule),
        target);

    private static RouterOutcome Failed(KubeStatus error, string message) => error.IsNotFound ? RouterOutcome.NotFound(message) : RouterOutcome.Fail(message);

    private static string ReadFailed(KubeStatus error, string kind, string name, string ns, string field) =>
        !error.IsNotFound ? $"reading {kind} {name} in namespace {ns} failed: {error}"
        : error.Message.Contains(name, StringComparison.Ordinal) ? $"{kind} {name} not found in namespace {ns} ({field})"
        : $"the API server does not serve {kind} (networking.istio.io/v1beta1); is Istio installed? ({field}: {name})";

    private static string WriteFailed(KubeStatus error, string kind, string name, string ns, string field) =>
        error.IsNotFound ? ReadFailed(error, kind, name, ns, field) : $"updating {kind} {name} in namespace {ns} failed: {error}";
}
