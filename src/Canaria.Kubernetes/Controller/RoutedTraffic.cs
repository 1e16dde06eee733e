using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Routing;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Drives the traffic routers of one Rollout after its decided status is stored. In order: the stable Service selects
/// the stable revision's pods (only once that revision has ready pods), the canary Service selects the canary's, every
/// router applies the decided split — held while a Service that would receive traffic has no ready endpoints — and the
/// split counts as applied only when every router read it back. At rest the user's objects are handed back
/// (routers restore them), and only then the canary Service goes.
/// </summary>
/// <param name="services">The controller's Service cache (Services are watched, not read per reconcile).</param>
internal sealed class RoutedTraffic(KubeClient client, IReadOnlyList<ITrafficRouter> routers, Func<string, string, V1Service?> services)
{
    private readonly ActiveService _stableService = new(client, services);
    private readonly CanaryService _canaryService = new(client, services);

    /// <summary>Istio subset routing sends to one host; its Service must keep selecting both versions.</summary>
    public static bool RoutesByService(RolloutSpec spec) => spec.TrafficRouting?.Istio?.DestinationRule is null;

    public async Task<(RoutingStatus Status, string? Error)> ApplyAsync(JsonObject rollout, RolloutSpec spec, RolloutStatus s, Observation observation,
        RoutingStatus stored, Func<int, string?> podHashOf, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ns = RolloutObject.Of(rollout).Namespace!;
        var stableService = spec.Service!.Name;
        var canaryService = CanaryService.NameOf(stableService);
        var desired = s.Traffic ?? TrafficTarget.AllStable(s.StableRevision!.Value);
        var releasing = s.CanaryRevision is { } c0 && c0 != s.StableRevision && s.StepState is not (StepState.Completed or StepState.Aborted);
        var settled = !releasing && stored.Applied is { } a && a.SameAs(desired);
        var context = new RouterContext(client, ns, rollout);

        if (RoutesByService(spec) && podHashOf(desired.StableRevision) is { } stableHash)
        {
            var (exists, selected) = await _stableService.ReadAsync(ns, stableService, cancellationToken).ConfigureAwait(false);
            if (!exists) return (stored.Waiting(RoutingStatus.ServiceNotFound, $"Service {stableService} not found in namespace {ns} (spec.service.name)"), $"Service {stableService} not found");
            if (selected != stableHash)
            {
                if (observation.Ready(desired.StableRevision) == 0)
                    return (stored.Waiting(RoutingStatus.WaitingForPods, $"waiting for ready pods of revision {desired.StableRevision} before Service {stableService} selects them"), null);
                var error = await _stableService.SelectAsync(ns, stableService, stableHash, selected, cancellationToken).ConfigureAwait(false);
                if (error is not null) return (stored.Waiting(RoutingStatus.ServiceError, error), error);
            }
        }

        if (settled || (!releasing && stored.Applied is null))
        {
            // Handed back: nothing to do, unless a router's object was missing (look again: the user may have created it).
            if (stored.Restored && !stored.Routers.Any(r => r.Missing)) return (stored with { Message = null, Reason = null }, null);
            if (!RoutesByService(spec) && Lingering(s, observation) is { } lingering)
            {
                // Subsets handed back select every pod of the app: an old revision still running would get traffic again.
                return (stored.Waiting(RoutingStatus.WaitingForPods, $"waiting for revision {lingering} to scale down before the DestinationRule's subsets are handed back"), null);
            }
            return await RestoreAsync(context, spec, stored, desired, cancellationToken).ConfigureAwait(false);
        }

        // A new revision pushed while an older canary still has a verified share: first move that share back to stable
        // with the canary Service (and subset) still on the older canary's pods, and only then point them at the new one.
        var routedCanary = stored.Applied is { CanaryRevision: { } ac } a2 && (a2.CanaryExposed || a2.MirrorPercent > 0) ? ac : (int?)null;
        var switching = routedCanary is { } oldCanary && desired.CanaryRevision is { } newCanary && oldCanary != newCanary;
        var effective = switching ? new TrafficTarget { StableRevision = desired.StableRevision, CanaryRevision = routedCanary } : desired;

        // The canary Service keeps selecting the pods the routers may still send to (after an abort or at completion
        // the last verified split may still point at it); it goes only after the routers handed everything back.
        var pinned = switching ? routedCanary : desired.CanaryRevision ?? stored.Applied?.CanaryRevision ?? s.CanaryRevision;
        var canaryHash = pinned is { } p ? podHashOf(p) : null;
        if (canaryHash is not null)
        {
            var ensured = await _canaryService.EnsureAsync(ns, rollout, stableService, canaryHash, cancellationToken).ConfigureAwait(false);
            if (ensured is not null) return (stored.Waiting(RoutingStatus.ServiceError, ensured), ensured);
        }

        var target = new RouteTarget
        {
            StableService = stableService,
            CanaryService = canaryService,
            CanaryWeight = effective.CanaryRevision is null ? 0 : effective.CanaryWeight,
            Weights = effective.CanaryRevision is null ? null : effective.Weights,
            Matches = effective.CanaryRevision is null ? [] : effective.Matches,
            MirrorPercent = effective.CanaryRevision is null ? 0 : effective.MirrorPercent,
            StablePodHash = podHashOf(desired.StableRevision),
            CanaryPodHash = canaryHash,
        };
        var waiting = await WaitingForEndpointsAsync(ns, target, cancellationToken).ConfigureAwait(false);
        if (waiting is not null) return (stored.Waiting(RoutingStatus.WaitingForEndpoints, waiting) with { Restored = false }, null);

        // The last split the routers verified is still the target: a router that finds its object changed was edited by someone.
        // (Not "every router verified last time": a hand edit landing between a write and its read-back fails that read once,
        // and the next pass must still call the change drift, not silently write the split again.)
        var holding = stored.Applied is { } held && held.SameAs(effective) && stored.Routers.Count > 0;
        context = context with { Holding = holding };
        var states = new List<RouterState>();
        foreach (var router in routers)
        {
            var outcome = await router.ApplyAsync(context, target, cancellationToken).ConfigureAwait(false);
            if (!outcome.Ok) states.Add(new RouterState(router.Name, false, 0, 0, 0, outcome.Error) { Missing = outcome.Missing });
            else states.Add(outcome.State!);
        }
        var verified = states.All(r => r.Verified);
        var failed = states.FirstOrDefault(r => !r.Verified);
        var next = new RoutingStatus
        {
            Applied = verified ? effective : stored.Applied,
            ChangedAt = verified && !effective.SameAs(stored.Applied) ? now : stored.ChangedAt,
            Routers = states,
            Restored = false,
            Message = failed is null ? null : $"{failed.Router}: {failed.Message ?? "the split read back differs from the one applied"}",
            Reason = failed is null ? null : failed.Message is null ? RoutingStatus.SplitNotVerified : RoutingStatus.RouterError,
            // A drift found now is reported; one found earlier stays until the verified split changes (the next step).
            Drift = states.Select(r => r.Drift).FirstOrDefault(d => d is not null) ?? (holding ? stored.Drift : null),
        };
        return (next, failed?.Message);
    }

    /// <summary>Deletion of the Rollout: every router hands the user's objects back, then the canary Service goes.</summary>
    public async Task<string?> ReleaseAllAsync(JsonObject rollout, RolloutSpec spec, CancellationToken cancellationToken)
    {
        var ns = RolloutObject.Of(rollout).Namespace!;
        var context = new RouterContext(client, ns, rollout);
        foreach (var router in routers)
        {
            var outcome = await router.RestoreAsync(context, cancellationToken).ConfigureAwait(false);
            if (!outcome.Ok) return $"{router.Name}: restoring failed: {outcome.Error}";
        }
        return spec.Service is { Name.Length: > 0 } service
            ? await _canaryService.EnsureAsync(ns, rollout, service.Name, null, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async Task<(RoutingStatus, string?)> RestoreAsync(RouterContext context, RolloutSpec spec, RoutingStatus stored, TrafficTarget desired, CancellationToken cancellationToken)
    {
        var states = new List<RouterState>();
        foreach (var router in routers)
        {
            var outcome = await router.RestoreAsync(context, cancellationToken).ConfigureAwait(false);
            if (!outcome.Ok) return (stored.Waiting(RoutingStatus.RouterError, $"{router.Name}: restoring failed: {outcome.Error}"), outcome.Error);
            if (outcome.State is { Verified: false, Missing: false } unclean)
                return (stored.Waiting(RoutingStatus.RouterError, $"{router.Name}: restored objects do not read back clean: {unclean.Message}"), unclean.Message ?? "restore not verified");
            states.Add(outcome.State ?? new RouterState(router.Name, true, 0, 0, 0, "restored"));
        }
        var deleted = await _canaryService.EnsureAsync(context.Namespace, context.Rollout, spec.Service!.Name, null, cancellationToken).ConfigureAwait(false);
        if (deleted is not null) return (stored.Waiting(RoutingStatus.ServiceError, deleted), deleted);
        return (new RoutingStatus { Applied = desired, Routers = states, Restored = true, ChangedAt = stored.ChangedAt }, null);
    }

    /// <summary>A revision other than stable that still has ready pods or a pending scale-down; null when none.</summary>
    private static int? Lingering(RolloutStatus s, Observation observation) =>
        s.ScaleDowns.Select(d => (int?)d.Revision).FirstOrDefault()
        ?? observation.Revisions.Where(r => r.Key != s.StableRevision && r.Value.Ready > 0).Select(r => (int?)r.Key).FirstOrDefault();

    /// <summary>A Service that would receive requests under this target but has no ready endpoints holds the split.</summary>
    private async Task<string?> WaitingForEndpointsAsync(string ns, RouteTarget target, CancellationToken cancellationToken)
    {
        if (target.CanaryWeight > 0 || target.Matches.Count > 0 || target.MirrorPercent > 0)
        {
            if (await ServiceEndpoints.ReadyAsync(client, ns, target.CanaryService, cancellationToken).ConfigureAwait(false) == 0)
                return $"waiting for Service {target.CanaryService} to have ready endpoints before it gets traffic";
        }
        if (target.CanaryWeight < 100 && await ServiceEndpoints.ReadyAsync(client, ns, target.StableService, cancellationToken).ConfigureAwait(false) == 0)
            return $"waiting for Service {target.StableService} to have ready endpoints before it gets traffic";
        return null;
    }
}
