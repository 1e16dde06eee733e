using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// SMI (Linkerd, seed 003): the apex Service's traffic split between the stable and canary Services by the backend
/// weights of a TrafficSplit. A missing split is created (owned by the Rollout) and deleted on restore; a user's split
/// gets its original backends recorded in the annotation and put back on restore. Weight only: no matches, no mirror.
/// </summary>
internal sealed class SmiRouter(SmiRouting config) : ITrafficRouter
{
    public string Name => "smi";

    public async Task<RouterOutcome> ApplyAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken)
    {
        if (target.Matches.Count > 0)
            return RouterOutcome.Fail("SMI TrafficSplit routes by weight only; it cannot send test users to the canary (use istio, nginx or gatewayAPI for matches)");
        if (target.MirrorPercent > 0)
            return RouterOutcome.Fail("SMI TrafficSplit cannot mirror requests (use istio or gatewayAPI)");
        if (target.CanaryWeight is < 0 or > 100)
            return RouterOutcome.Fail($"canary weight {target.CanaryWeight} is not a percentage (0-100)");

        var client = context.Client;
        // Clients call the apex Service; without it the split routes nothing, so no step could be routed through it.
        var apex = await client.GetAsync(KubeResource.Services, context.Namespace, config.RootService, cancellationToken).ConfigureAwait(false);
        if (apex.Error is { IsNotFound: true })
            return RouterOutcome.NotFound($"Service {config.RootService} not found in namespace {context.Namespace} (spec.trafficRouting.smi.rootService)");
        if (!apex.IsSuccess) return RouterOutcome.Fail($"reading Service {config.RootService} in namespace {context.Namespace} failed: {apex.Error}");

        var resource = TrafficSplitShape.Resource(config.ApiVersion);
        var name = TrafficSplitShape.Name(config, context);
        var current = await client.GetAsync(resource, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (current.Error is { IsNotFound: true })
        {
            var created = await client.CreateAsync(resource, context.Namespace, TrafficSplitShape.Created(config, context, target), cancellationToken).ConfigureAwait(false);
            if (created.IsSuccess) return await ReadBackAsync(context, target, cancellationToken).ConfigureAwait(false);
            // Someone created it between our read and our create: handle it as an existing split.
            if (!created.Error!.IsAlreadyExists) return RouterOutcome.Fail($"creating {Describe(context, name)} failed: {created.Error}");
        }
        else if (!current.IsSuccess)
        {
            return RouterOutcome.Fail($"reading {Describe(context, name)} failed: {current.Error}");
        }

        string? refusal = null;
        string? drift = null;
        var updated = await client.UpdateWithRetryAsync(resource, context.Namespace, name, split =>
        {
            refusal = TrafficSplitShape.Refusal(split, config, context, target);
            drift = refusal is null && context.Holding ? Drift(context, name, split, target) : null;
            return refusal is null && TrafficSplitShape.Mutate(split, config, context, target);
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (refusal is not null) return RouterOutcome.Fail(refusal);
        if (!updated.IsSuccess) return RouterOutcome.Fail($"updating {Describe(context, name)} failed: {updated.Error}");
        var outcome = await ReadBackAsync(context, target, cancellationToken).ConfigureAwait(false);
        return drift is null || outcome.State is null ? outcome : outcome with { State = outcome.State with { Drift = drift } };
    }

    public async Task<RouterOutcome> RestoreAsync(RouterContext context, CancellationToken cancellationToken)
    {
        var resource = TrafficSplitShape.Resource(config.ApiVersion);
        var name = TrafficSplitShape.Name(config, context);
        var client = context.Client;
        var current = await client.GetAsync(resource, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (current.Error is { IsNotFound: true }) return Restored(0, $"{Describe(context, name)} does not exist");
        if (!current.IsSuccess) return RouterOutcome.Fail($"reading {Describe(context, name)} failed: {current.Error}");

        var split = current.Value!;
        if (RouterOwnership.IsCreatedBy(split, context))
        {
            var error = await RouterOwnership.DeleteCreatedAsync(context, resource, split, cancellationToken).ConfigureAwait(false);
            return error is null ? Restored(0, $"{Describe(context, name)} (created by Canaria) deleted") : RouterOutcome.Fail(error);
        }
        if (RouterOwnership.CreatedFor(split) is { } other)
            return Restored(0, $"{Describe(context, name)} belongs to Rollout {other}; left alone");

        string? invalid = null;
        JsonNode? backends = null;
        var updated = await client.UpdateWithRetryAsync(resource, context.Namespace, name, s =>
        {
            var (original, error) = RouterOwnership.ReadOriginal(s);
            invalid = error;
            backends = original?["spec"]?["backends"];
            return original is not null && TrafficSplitShape.Restore(s, original);
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (invalid is not null) return RouterOutcome.Fail($"{Describe(context, name)}: {invalid}; nothing was changed");
        if (updated.Error is { IsNotFound: true }) return Restored(0, $"{Describe(context, name)} does not exist");
        if (!updated.IsSuccess) return RouterOutcome.Fail($"restoring {Describe(context, name)} failed: {updated.Error}");
        if (backends is null) return Restored(0, $"{Describe(context, name)} carries nothing of Canaria's");

        var back = await client.GetAsync(resource, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (!back.IsSuccess) return RouterOutcome.Fail($"reading back {Describe(context, name)} failed: {back.Error}");
        var verified = !RouterOwnership.HasOriginal(back.Value!) && JsonNode.DeepEquals(back.Value!["spec"]?["backends"], backends);
        return new RouterOutcome(new RouterState(Name, verified, 0, 0, 0,
            verified ? $"{Describe(context, name)} has its original backends again" : $"{Describe(context, name)} does not read back as restored"), null);
    }

    private async Task<RouterOutcome> ReadBackAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken)
    {
        var name = TrafficSplitShape.Name(config, context);
        var back = await context.Client.GetAsync(TrafficSplitShape.Resource(config.ApiVersion), context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (!back.IsSuccess) return RouterOutcome.Fail($"reading back {Describe(context, name)} failed: {back.Error}");
        var split = back.Value!;
        var weights = TrafficSplitWeights.Read(split, target.StableService, target.CanaryService);
        var apex = (string?)split["spec"]?["service"];
        var verified = weights.Carries(target) && TrafficSplitShape.ApexMatches(apex, config.RootService, context.Namespace);
        var message = $"{Describe(context, name)}: {target.StableService} {weights.Stable}, {target.CanaryService} {weights.Canary}";
        return new RouterOutcome(new RouterState(Name, verified, weights.CanaryPercent, 0, 0, message), null);
    }

    /// <summary>The backends someone wrote over Canaria's verified split (null when the split still carries it).</summary>
    private static string? Drift(RouterContext context, string name, JsonObject split, RouteTarget target)
    {
        var found = TrafficSplitWeights.Read(split, target.StableService, target.CanaryService);
        if (found.Carries(target)) return null;
        return $"{Describe(context, name)} spec.backends was edited to {target.StableService} {found.Stable}, {target.CanaryService} {found.Canary}" +
            (found.Others > 0 ? $" (+{found.Others} for other Services)" : "") +
            $"; Canaria's split {target.StableService} {target.Split.Stable}, {target.CanaryService} {target.Split.Canary} is written back";
    }

    private static RouterOutcome Restored(int weight, string message) => new(new RouterState("smi", true, weight, 0, 0, message), null);

    private static string Describe(RouterContext context, string name) => $"TrafficSplit {name} in namespace {context.Namespace}";
}
