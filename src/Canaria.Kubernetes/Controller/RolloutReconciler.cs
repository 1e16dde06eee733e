using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Microsoft.Extensions.Logging;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>When to look at a rollout again (null: only when something it watches changes).</summary>
internal sealed record ReconcileResult(TimeSpan? RequeueAfter, string? Error = null);

/// <summary>
/// One level-triggered reconcile of one Rollout: read it (from the informer's cache), validate, pause its Deployment,
/// observe the ReplicaSets, run the engine, store the decided status through /status first — one status write per
/// reconcile — and only then scale the ReplicaSets and apply the routers.
/// </summary>
internal sealed partial class RolloutReconciler(KubeClient client, KubeInformer rollouts, Func<string, string, JsonObject?> deployment,
    Func<string, string, IEnumerable<JsonObject>> replicaSets, Func<string, string, JsonObject?> services, KubeControllerOptions options, ILogger logger)
{
    /// <summary>What the routers verified after the last status write, stored by the next one (a crash loses it; the routers then verify again).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RoutingStatus> _verified = new(StringComparer.Ordinal);

    private readonly EventRecorder _events = new(client);
    private readonly ActiveService _service = new(client, services);
    private readonly RolloutFinalizer _finalizer = new(client);
    private readonly CanaryService _canaryService = new(client, services);
    private readonly TrafficRouters _routers = new();
    private readonly ParsedSpecs _specs = new();
    private readonly KubeAnalysis _analysis = new(client.Time, options.MetricTimeout, logger);

    /// <summary>Runs checks and gates off the reconcile; its Wake queues a rollout when a result arrives.</summary>
    public KubeAnalysis Analysis => _analysis;

    public async Task<ReconcileResult> ReconcileAsync(string ns, string name, CancellationToken cancellationToken)
    {
        if (rollouts.Get(ns, name)?.DeepClone() is not JsonObject rollout)
        {
            _verified.TryRemove(KubeInformer.Key(ns, name), out _);
            _specs.Forget(ns, name);
            return new ReconcileResult(null); // deleted; its finalizer already ran
        }
        var now = client.Time.GetUtcNow();

        var parsed = _specs.Get(rollout, ns, name, () => RolloutYaml.Parse(DocumentOf(rollout, ns, name).ToJsonString()));
        var errors = parsed.Errors.ToList();
        var refName = parsed.Document?.Spec.WorkloadRef?.Name;
        var d = refName is { Length: > 0 } ? deployment(ns, refName) : null;
        var doc = parsed.Document;
        if (doc is not null && d is not null)
            doc = doc with { Spec = doc.Spec with { Replicas = DeploymentView.Int(d["spec"]?["replicas"]) ?? 1 } };
        if (RolloutFinalizer.Deleting(rollout))
        {
            if (!RolloutFinalizer.Has(rollout)) return new ReconcileResult(null);
            var routers = doc?.Spec.TrafficRouting is { Any: true } tr ? new RoutedTraffic(client, _routers.For(tr), services) : null;
            var finalError = await _finalizer.FinalizeAsync(ns, name, doc?.Spec, d is null ? null : DeploymentView.Of(d, replicaSets(ns, refName!)), cancellationToken,
                routers is null ? null : ct => routers.ReleaseAllAsync(rollout, doc!.Spec, ct)).ConfigureAwait(false);
            return new ReconcileResult(finalError is null ? null : options.RetryInterval, finalError);
        }
        if (doc is not null) errors.AddRange(RolloutValidator.Validate(doc, Platform.Kubernetes));
        if (errors.Count > 0 || doc is null)
        {
            var message = string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));
            await WriteStatusAsync(rollout, StatusBuilder.Invalid(rollout, message, now), cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(null);
        }
        if (d is null)
        {
            var missing = StatusBuilder.Invalid(rollout, $"Deployment {refName} not found in namespace {ns}", now);
            missing["phase"] = "Progressing";
            missing["conditions"] = rollout["status"]?["conditions"]?.DeepClone();
            await WriteStatusAsync(rollout, missing, cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(options.ResyncInterval); // its creation is an event
        }

        var view = DeploymentView.Of(d, replicaSets(ns, refName!));
        var rules = KubernetesRules.Check(doc.Spec, view);
        if (rules.Count > 0)
        {
            var message = string.Join("; ", rules.Select(e => $"{e.Field}: {e.Message}"));
            await WriteStatusAsync(rollout, StatusBuilder.Invalid(rollout, message, now), cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(options.ResyncInterval); // a change of the Deployment is an event
        }
        if (!RolloutFinalizer.Has(rollout))
        {
            // Before the first write to the user's objects: deleting the Rollout must be able to hand them back.
            var added = await _finalizer.AddAsync(ns, name, cancellationToken).ConfigureAwait(false);
            if (added.IsSuccess) rollouts.Wrote(added.Value!);
            return new ReconcileResult(added.IsSuccess ? TimeSpan.Zero : options.RetryInterval, added.Error?.ToString());
        }
        if (!view.Paused)
        {
            // The one field of the user's object Canaria writes: a paused Deployment rolls nothing out by itself.
            var paused = await client.PatchAsync(KubeResource.Deployments, ns, view.Name, PatchType.Merge,
                new JsonObject { ["spec"] = new JsonObject { ["paused"] = true } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!paused.IsSuccess) return new ReconcileResult(options.RetryInterval, paused.Error!.ToString());
        }
        return await ReleaseAsync(rollout, doc.Spec, view, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReleaseAsync(JsonObject rollout, RolloutSpec spec, DeploymentView d, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ns = (string)rollout["metadata"]!["namespace"]!;
        var stored = StoredStatus.Of(rollout);
        var revisions = new Dictionary<string, int>(stored.Revisions, StringComparer.Ordinal);
        if (!revisions.ContainsKey(d.TemplateHash)) revisions[d.TemplateHash] = revisions.Values.DefaultIfEmpty(0).Max() + 1;
        stored = stored with { Revisions = revisions };
        var observation = RevisionObservation.Of(d, stored, revisions[d.TemplateHash]);
        var hashOf = revisions.ToDictionary(p => p.Value, p => p.Key);
        string? PodHashOf(int revision) => hashOf.TryGetValue(revision, out var h) ? d.ReplicaSetOf(h)?.PodHash ?? h : null;
        var routed = spec.TrafficRouting?.Any == true;
        var routing = _verified.TryGetValue(KubeInformer.Key(ns, (string)rollout["metadata"]!["name"]!), out var verified) ? verified : RoutingStatus.Of(rollout);
        if (routed) observation = observation with { AppliedTraffic = routing.Applied };
        var activeService = spec.Strategy.Kind == StrategyKind.BlueGreen && !routed ? spec.Service!.Name : null;
        string? selected = null;
        if (activeService is not null)
        {
            (_, selected) = await _service.ReadAsync(ns, activeService, cancellationToken).ConfigureAwait(false);
            observation = observation with { AppliedTraffic = ActiveService.Applied(stored.Engine, selected, PodHashOf) };
        }

        var engineStatus = stored.Engine;
        var events = new List<RolloutEvent>();
        var command = (string?)rollout["metadata"]?["annotations"]?[RolloutCommandAnnotation.Name];
        if (command is { Length: > 0 } && command != stored.CommandApplied)
        {
            var cmd = RolloutCommandAnnotation.Parse(command, out var parseError);
            var result = cmd is null || engineStatus is null
                ? new CommandResult(null, parseError ?? "the rollout has no status yet", null)
                : RolloutCommands.Apply(spec, engineStatus, cmd, now);
            if (result.Ok) engineStatus = result.Status;
            events.Add(result.Event is { } applied ? applied with { Message = $"{command}: {applied.Message}" } : new RolloutEvent(now, EventType.Warning, "CommandRefused", $"{command}: {result.Error}"));
            stored = stored with { CommandApplied = command };
        }

        var name = (string)rollout["metadata"]!["name"]!;
        observation = _analysis.Observe(ns, name, spec, stored.Engine, observation); // measurements and gate answers not stored yet
        var decision = RolloutEngine.Reconcile(spec, engineStatus, observation, now);
        events.AddRange(decision.Events);
        var s = decision.Status;
        var canary = s.CanaryRevision is { } c && c != s.StableRevision ? c : (int?)null;
        var plan = activeService is not null || (routed && d.Recreate)
            ? decision.Replicas
            : ReplicaPlan.For(s, decision.Replicas, d.Replicas, d.MaxSurge, observation, stored.Plan, routed);
        if (routed)
        {
            // a revision the router may still send to, in its scale-down delay, or just dropped from a split proxies may not have applied yet
            var settling = routing.ChangedAt is { } changed && now - changed < spec.ScaleDownDelay;
            plan = ReplicaPlan.KeepRouted(plan, decision.Replicas, settling ? stored.Plan : null);
        }
        var weight = routed
            ? (canary is { } rw && routing.Applied?.CanaryRevision == rw ? routing.Applied.CanaryWeight : 0)
            : activeService is not null
            ? (canary is { } bg && selected is not null && PodHashOf(bg) == selected ? 100 : 0)
            : ReplicaPlan.ReadyShare(canary is { } rc ? observation.Ready(rc) : 0, observation.Ready(s.StableRevision));
        var status = StatusBuilder.Of(rollout, spec, s, stored, plan, d, weight, null, now);
        if (routed) status[RoutingStatus.Field] = routing.ToJson();
        if (!await WriteStatusAsync(rollout, status, cancellationToken).ConfigureAwait(false))
            return new ReconcileResult(TimeSpan.Zero, "status conflict"); // nothing is applied from a status that was not stored
        _verified.TryRemove(KubeInformer.Key(ns, (string)rollout["metadata"]!["name"]!), out _);

        foreach (var e in events)
        {
            ControllerLog.Event(logger, ns, (string)rollout["metadata"]!["name"]!, e.Reason, e.Message);
            await _events.RecordAsync(rollout, e, cancellationToken).ConfigureAwait(false);
        }
        var nextCheck = _analysis.Run(ns, name, spec, decision, events, PodHashOf, cancellationToken); // checks, gates, notifications
        var byHash = plan.Where(p => hashOf.ContainsKey(p.Key)).ToDictionary(p => hashOf[p.Key], p => p.Value, StringComparer.Ordinal);
        var error = await new KubeWorkload(client, (string)rollout["metadata"]!["name"]!).ApplyAsync(ns, d, byHash, cancellationToken).ConfigureAwait(false);
        if (activeService is not null && s.Traffic is { } traffic && PodHashOf(ActiveService.Target(traffic)) is { } podHash)
            error = await _service.SelectAsync(ns, activeService, podHash, selected, cancellationToken).ConfigureAwait(false);
        if (error is null && routed)
        {
            var (next, routingError) = await new RoutedTraffic(client, _routers.For(spec.TrafficRouting!), services)
                .ApplyAsync(rollout, spec, s, observation, routing, PodHashOf, now, cancellationToken).ConfigureAwait(false);
            if (!StatusBuilder.Same(routing.ToJson(), next.ToJson()))
            {
                // The engine must see the newly verified split: at once, and the status write of that reconcile stores it.
                _verified[KubeInformer.Key(ns, name)] = next;
                return new ReconcileResult(TimeSpan.Zero, routingError);
            }
            if (routingError is not null) return new ReconcileResult(options.RetryInterval, routingError);
            // The router's objects are read, not watched: poll only while a decided split is not verified yet.
            var confirmed = (s.Traffic is null || next.Applied?.SameAs(s.Traffic) == true) && (next.Restored || s.StepState is not (StepState.Completed or StepState.Aborted));
            var wake = Wakeup.After(spec, s, now, confirmed ? options.ResyncInterval : options.ProgressInterval, next.ChangedAt + spec.ScaleDownDelay);
            return new ReconcileResult(KubeAnalysis.Sooner(wake, nextCheck));
        }
        if (error is null && activeService is null && spec.Service is { Name.Length: > 0 } service)
        {
            var releasing = canary is { } rc2 && s.StepState is not (StepState.Aborted or StepState.Completed) ? PodHashOf(rc2) : null;
            error = await _canaryService.EnsureAsync(ns, rollout, service.Name, releasing, cancellationToken).ConfigureAwait(false);
        }
        if (error is not null) return new ReconcileResult(options.RetryInterval, error);
        // Pods, ReplicaSets and Services are watched: what else the engine waits for is a time.
        return new ReconcileResult(KubeAnalysis.Sooner(Wakeup.After(spec, s, now, options.ResyncInterval), nextCheck));
    }

    /// <summary>PUT /status with the read resourceVersion; false on conflict or failure (the caller reconciles again).</summary>
    private async Task<bool> WriteStatusAsync(JsonObject rollout, JsonObject status, CancellationToken cancellationToken)
    {
        if (StatusBuilder.Same(rollout["status"], status)) return true;
        var copy = (JsonObject)rollout.DeepClone();
        copy["status"] = CanonicalJson.Compact(status);
        var written = await client.ReplaceStatusAsync(RolloutResource.Rollouts, (string?)rollout["metadata"]?["namespace"], copy, cancellationToken).ConfigureAwait(false);
        if (!written.IsSuccess)
        {
            ControllerLog.StatusNotWritten(logger, KubeClient.NameOf(rollout), written.Error!.ToString());
            return false;
        }
        rollouts.Wrote(written.Value!);
        return true;
    }

    private static JsonObject DocumentOf(JsonObject rollout, string ns, string name) => new()
    {
        ["apiVersion"] = (string?)rollout["apiVersion"] ?? RolloutResource.Rollouts.ApiVersion,
        ["kind"] = (string?)rollout["kind"] ?? RolloutResource.Rollouts.Kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = rollout["spec"]?.DeepClone() ?? new JsonObject(),
    };
}
