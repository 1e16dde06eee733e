using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// Gateway API: the split lives in the user's HTTPRoute (spec.trafficRouting.gatewayAPI.httpRoute). Every rule with a
/// backendRef to the stable Service gets a canary backendRef beside it with the canary's weight (and a RequestMirror
/// filter for a mirror); test-user matches become a rule inserted right before it that sends only to the canary. The
/// original backendRefs and filters, and which rules were inserted, are kept in the route's canaria.dev/original
/// annotation, written in the same update; nothing is created.
/// </summary>
internal sealed class GatewayApiRouter(GatewayApiRouting config) : ITrafficRouter
{
    public static readonly KubeResource HttpRoutes = new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");

    private const string Field = "spec.trafficRouting.gatewayAPI.httpRoute";

    public string Name => "gatewayAPI";

    public async Task<RouterOutcome> ApplyAsync(RouterContext context, RouteTarget target, CancellationToken cancellationToken)
    {
        var ns = context.Namespace;
        string? refused = null;
        string? drift = null;
        var written = await context.Client.UpdateWithRetryAsync(HttpRoutes, ns, config.HttpRoute, route =>
        {
            var before = HttpRouteObservation.Of(route, target.StableService, target.CanaryService, ns);
            var (changed, error) = HttpRouteEdit.Apply(route, target, ns);
            refused = error;
            drift = context.Holding && changed && error is null
                ? $"HTTPRoute {config.HttpRoute} in namespace {ns} spec.rules backendRefs were edited to canary weight {before.CanaryWeight}% " +
                  $"({before.Matches} test-user rule(s), mirror {before.MirrorPercent}%); Canaria's {target.CanaryWeight}% is written back"
                : null;
            return changed;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!written.IsSuccess) return Failed(written.Error!, ns, "updating");
        if (refused is not null) return RouterOutcome.Fail($"HTTPRoute {config.HttpRoute} in namespace {ns} ({Field}): {refused}; nothing was written");

        var read = await context.Client.GetAsync(HttpRoutes, ns, config.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (!read.IsSuccess) return Failed(read.Error!, ns, "reading back");
        var route = read.Value!;
        var seen = HttpRouteObservation.Of(route, target.StableService, target.CanaryService, ns);
        var (again, _) = HttpRouteEdit.Apply((JsonObject)route.DeepClone(), target, ns);
        var verified = !again && seen.Recorded
            && seen.CanaryWeight == target.CanaryWeight && seen.Matches == target.Matches.Count && seen.MirrorPercent == target.MirrorPercent;
        var message = verified ? null
            : $"HTTPRoute {config.HttpRoute} reads back weight {seen.CanaryWeight}, {seen.Matches} test-user conditions, mirror {seen.MirrorPercent}%"
              + (again ? " and differs from what was written" : "");
        return new RouterOutcome(new RouterState(Name, verified, seen.CanaryWeight, seen.Matches, seen.MirrorPercent, message) { Drift = drift }, null);
    }

    public async Task<RouterOutcome> RestoreAsync(RouterContext context, CancellationToken cancellationToken)
    {
        var ns = context.Namespace;
        string? refused = null;
        string? canaryService = null;
        var written = await context.Client.UpdateWithRetryAsync(HttpRoutes, ns, config.HttpRoute, route =>
        {
            canaryService ??= HttpRouteRecord.Read(route).Record?.CanaryService;
            var (changed, error) = HttpRouteEdit.Restore(route, ns);
            refused = error;
            return changed;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!written.IsSuccess)
        {
            return written.Error!.IsNotFound
                ? RouterOutcome.Gone(Name, $"HTTPRoute {config.HttpRoute} not found in namespace {ns} ({Field}); nothing to hand back")
                : Failed(written.Error!, ns, "restoring");
        }
        if (refused is not null) return RouterOutcome.Fail($"HTTPRoute {config.HttpRoute} in namespace {ns} ({Field}): {refused}; nothing was restored");

        var read = await context.Client.GetAsync(HttpRoutes, ns, config.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (!read.IsSuccess) return Failed(read.Error!, ns, "reading back");
        var recorded = HttpRouteRecord.IsOn(read.Value!);
        var canaryLeft = canaryService is not null && (read.Value!["spec"]?["rules"] as JsonArray)?.OfType<JsonObject>()
            .Any(r => HttpBackendRef.References(r, canaryService, ns)) == true;
        var verified = !recorded && !canaryLeft;
        return new RouterOutcome(new RouterState(Name, verified, 0, 0, 0, verified ? null : $"HTTPRoute {config.HttpRoute} still carries Canaria's changes after restore"), null);
    }

    private RouterOutcome Failed(KubeStatus error, string ns, string doing) => (error.IsNotFound ? (Func<string, RouterOutcome>)RouterOutcome.NotFound : RouterOutcome.Fail)(error switch
    {
        { IsNotFound: true, Reason: "NotFound" } => $"HTTPRoute {config.HttpRoute} not found in namespace {ns} ({Field})",
        // A 404 that is not an object's NotFound Status: the API server does not serve the resource at all.
        { IsNotFound: true } => $"HTTPRoute {config.HttpRoute} not found in namespace {ns} ({Field}): the API server does not serve "
            + $"{HttpRoutes.ApiVersion} httproutes (are the Gateway API CRDs, v1.0 or later, installed?)",
        _ => $"{doing} HTTPRoute {config.HttpRoute} in namespace {ns} failed: {error}",
    });
}
