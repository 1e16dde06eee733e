using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// ingress-nginx (seed 002): the user's Ingress is never modified; Canaria keeps &lt;ingress&gt;-canary, a copy of the
/// paths that send to the stable Service now sending to the canary Service, with ingress-nginx's canary annotations
/// (weight, header, cookie). The copy follows the user's Ingress on every apply, is owned by the Rollout, and restore
/// deletes it. No mirror, no query matches, one header and one cookie ("always") match.
/// </summary>
internal sealed class NginxRouter(NginxRouting config) : ITrafficRouter
{
    public string Name => "nginx";

    public async Task<RouterOutcome> ApplyAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken)
    {
        if (NginxCanaryAnnotations.Refusal(target) is { } refused) return RouterOutcome.Fail(refused);
        var client = context.Client;
        var ingresses = NginxCanaryIngress.Ingresses;
        var user = await client.GetAsync(ingresses, context.Namespace, config.Ingress, cancellationToken).ConfigureAwait(false);
        if (user.Error is { IsNotFound: true })
            return RouterOutcome.NotFound($"Ingress {config.Ingress} not found in namespace {context.Namespace} (spec.trafficRouting.nginx.ingress)");
        if (!user.IsSuccess) return RouterOutcome.Fail($"reading Ingress {config.Ingress} in namespace {context.Namespace} failed: {user.Error}");

        var (desired, error) = NginxCanaryIngress.Desired(config, context, target, user.Value!);
        if (desired is null) return RouterOutcome.Fail(error!);
        var name = NginxCanaryIngress.NameOf(config.Ingress);

        var current = await client.GetAsync(ingresses, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (current.Error is { IsNotFound: true })
        {
            var created = await client.CreateAsync(ingresses, context.Namespace, desired, cancellationToken).ConfigureAwait(false);
            if (created.IsSuccess) return await ReadBackAsync(context, desired, cancellationToken).ConfigureAwait(false);
            if (!created.Error!.IsAlreadyExists) return RouterOutcome.Fail($"creating {Describe(context, name)} failed: {created.Error}");
        }
        else if (!current.IsSuccess)
        {
            return RouterOutcome.Fail($"reading {Describe(context, name)} failed: {current.Error}");
        }

        string? refusal = null;
        string? drift = null;
        var updated = await client.UpdateWithRetryAsync(ingresses, context.Namespace, name, canary =>
        {
            refusal = RouterOwnership.IsCreatedBy(canary, context) ? null : NotOurs(context, canary);
            drift = refusal is null && context.Holding ? Drift(context, canary, desired) : null;
            return refusal is null && NginxCanaryIngress.Overwrite(canary, desired);
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (refusal is not null) return RouterOutcome.Fail(refusal);
        if (!updated.IsSuccess) return RouterOutcome.Fail($"updating {Describe(context, name)} failed: {updated.Error}");
        var outcome = await ReadBackAsync(context, desired, cancellationToken).ConfigureAwait(false);
        return drift is null || outcome.State is null ? outcome : outcome with { State = outcome.State with { Drift = drift } };
    }

    public async Task<RouterOutcome> RestoreAsync(RouterContext context, CancellationToken cancellationToken)
    {
        var name = NginxCanaryIngress.NameOf(config.Ingress);
        var current = await context.Client.GetAsync(NginxCanaryIngress.Ingresses, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (current.Error is { IsNotFound: true }) return Restored($"{Describe(context, name)} does not exist");
        if (!current.IsSuccess) return RouterOutcome.Fail($"reading {Describe(context, name)} failed: {current.Error}");
        if (!RouterOwnership.IsCreatedBy(current.Value!, context)) return Restored($"{NotOurs(context, current.Value!)}; left alone");
        var error = await RouterOwnership.DeleteCreatedAsync(context, NginxCanaryIngress.Ingresses, current.Value!, cancellationToken).ConfigureAwait(false);
        return error is null ? Restored($"{Describe(context, name)} deleted; Ingress {config.Ingress} sends everything to stable") : RouterOutcome.Fail(error);
    }

    private async Task<RouterOutcome> ReadBackAsync(RouterContext context, JsonObject desired, CancellationToken cancellationToken)
    {
        var name = NginxCanaryIngress.NameOf(config.Ingress);
        var back = await context.Client.GetAsync(NginxCanaryIngress.Ingresses, context.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (!back.IsSuccess) return RouterOutcome.Fail($"reading back {Describe(context, name)} failed: {back.Error}");
        var canary = back.Value!;
        var (weight, matches) = NginxCanaryAnnotations.Read(config.AnnotationPrefix, canary["metadata"]?["annotations"] as JsonObject);
        var verified = RouterOwnership.IsCreatedBy(canary, context) && NginxCanaryIngress.Carries(canary, desired);
        var paths = (canary["spec"]?["rules"] as JsonArray)?.Sum(r => (r?["http"]?["paths"] as JsonArray)?.Count ?? 0) ?? 0;
        return new RouterOutcome(new RouterState(Name, verified, weight, matches, 0, $"{Describe(context, name)}: weight {weight}, {matches} match(es), {paths} path(s)"), null);
    }

    /// <summary>What someone changed on Canaria's canary Ingress since it was verified (null: nothing); it is rebuilt from the user's Ingress.</summary>
    private string? Drift(RouterContext context, JsonObject canary, JsonObject desired)
    {
        if (NginxCanaryIngress.Carries(canary, desired)) return null;
        var key = $"{config.AnnotationPrefix}/canary-weight";
        var found = (string?)canary["metadata"]?["annotations"]?[key];
        var wanted = (string?)desired["metadata"]?["annotations"]?[key];
        return found != wanted
            ? $"{Describe(context, KubeClient.NameOf(canary))} annotation {key} was edited to {found ?? "(none)"}; Canaria's {wanted} is written back"
            : $"{Describe(context, KubeClient.NameOf(canary))} was edited; Canaria rebuilt it from Ingress {config.Ingress}";
    }

    private RouterOutcome Restored(string message) => new(new RouterState(Name, true, 0, 0, 0, message), null);

    private static string NotOurs(RouterContext context, JsonObject canary) =>
        $"{Describe(context, KubeClient.NameOf(canary))} exists and was not created by Canaria for Rollout {context.RolloutName}; Canaria does not overwrite it (rename or delete it)";

    private static string Describe(RouterContext context, string name) => $"Ingress {name} in namespace {context.Namespace}";
}
