using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller.Conditions;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Controller.Release;
using Canaria.Kubernetes.Resources;
using Canaria.Release.Drivers;
using Canaria.Release.Loop;
using Canaria.Release.Specs;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

/// <summary>When to look at a rollout again (null: only when something it watches changes).</summary>
internal sealed record ReconcileResult(TimeSpan? RequeueAfter, string? Error = null);

/// <summary>
/// One level-triggered reconcile of one Rollout: read it (from the informer's cache), validate, pause its Deployment, then
/// one pass of the shared release loop (<see cref="ReleaseLoop"/>) over the Kubernetes drivers: ReplicaSets (workload),
/// the ready-pod ratio, the active Service's selector or the routers (traffic, chosen from the spec), checks and gates
/// (analysis), /status (one status write per reconcile, before anything is applied) and Events.
/// </summary>
internal sealed partial class RolloutReconciler(KubeClient client, KubeInformer<JsonObject> rollouts, Func<string, string, V1Deployment?> deployment,
    Func<string, string, string, IEnumerable<V1ReplicaSet>> replicaSets, Func<string, string, V1Service?> services, KubeControllerOptions options, ILogger logger) : IAsyncDisposable
{
    /// <summary>What the routers verified after the last status write, stored by the next one (a crash loses it; the routers then verify again).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RoutingStatus> _verified = new(StringComparer.Ordinal);

    private readonly EventRecorder _events = new(client, logger);
    private readonly ActiveService _service = new(client, services);
    private readonly RolloutFinalizer _finalizer = new(client);
    private readonly CanaryService _canaryService = new(client, services);
    private readonly TrafficRouters _routers = new();
    private readonly ParsedSpecs _specs = new();
    private readonly KubeAnalysis _analysis = new(client.Time, options.MetricTimeout, logger);

    /// <summary>Runs checks and gates off the reconcile; its Wake queues a rollout when a result arrives.</summary>
    public KubeAnalysis Analysis => _analysis;

    /// <summary>Sends the Rollouts' Events in the background.</summary>
    public EventRecorder Events => _events;

    /// <summary>Sends the Events still queued (for a few seconds at most).</summary>
    public ValueTask DisposeAsync() => _events.DisposeAsync();

    /// <summary>A status write that found the Rollout deleted (its Deleted event follows; nothing to report).</summary>
    private const string RolloutGone = "the Rollout was deleted";

    /// <summary>An object this reconcile needed was deleted meanwhile: not a failure, and its deletion is an event of its own.</summary>
    private static readonly ReconcileResult Gone = new(null);

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
        var refName = parsed.Document?.Spec.WorkloadRef?.Name;
        var d = refName is { Length: > 0 } ? deployment(ns, refName) : null;
        var (doc, errors) = SpecCheck.Check(parsed, Platform.Kubernetes,
            d is null ? null : x => x with { Spec = x.Spec with { Replicas = d.Spec?.Replicas ?? 1 } });
        if (RolloutFinalizer.Deleting(rollout))
        {
            if (!RolloutFinalizer.Has(rollout)) return new ReconcileResult(null);
            var routers = doc?.Spec.TrafficRouting is { Any: true } tr ? new RoutedTraffic(client, _routers.For(tr), services) : null;
            var finalError = await _finalizer.FinalizeAsync(ns, name, doc?.Spec, d is null ? null : DeploymentView.Of(d, replicaSets(ns, refName!, name), RolloutObject.Of(rollout).Uid), cancellationToken,
                routers is null ? null : ct => routers.ReleaseAllAsync(rollout, doc!.Spec, ct)).ConfigureAwait(false);
            return new ReconcileResult(finalError is null ? null : options.RetryInterval, finalError);
        }
        if (errors.Count > 0 || doc is null)
        {
            var message = SpecCheck.Describe(errors);
            await WriteStatusAsync(rollout, StatusBuilder.Invalid(rollout, message, now), cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(null);
        }
        if (d is null)
        {
            var missing = StatusBuilder.MissingDeployment(rollout, $"Deployment {refName} not found in namespace {ns} (spec.workloadRef.name)", now);
            await WriteStatusAsync(rollout, missing, cancellationToken).ConfigureAwait(false);
            if (refName is { Length: > 0 } && RolloutObject.Of(rollout).Uid is { } uid)
            {
                var (scaled, error) = await DeploymentGone.ScaleDownAsync(client, ns, refName, uid, replicaSets(ns, refName, name), cancellationToken).ConfigureAwait(false);
                if (scaled.Count > 0)
                    await _events.RecordAsync(rollout, new RolloutEvent(now, EventType.Warning, "DeploymentGone",
                        $"Deployment {refName} not found: scaled the Rollout's ReplicaSet(s) {string.Join(", ", scaled)} to 0 (recreate the Deployment to release again)."), cancellationToken).ConfigureAwait(false);
                if (error is not null) return new ReconcileResult(options.RetryInterval, error);
            }
            return new ReconcileResult(options.ResyncInterval); // its creation is an event
        }

        var view = DeploymentView.Of(d, replicaSets(ns, refName!, name), RolloutObject.Of(rollout).Uid);
        var rules = KubernetesRules.Check(doc.Spec);
        if (rules.Count > 0)
        {
            var message = SpecCheck.Describe(rules);
            await WriteStatusAsync(rollout, StatusBuilder.Invalid(rollout, message, now), cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(options.ResyncInterval); // a change of the Deployment is an event
        }
        if (!RolloutFinalizer.Has(rollout))
        {
            // Before the first write to the user's objects: deleting the Rollout must be able to hand them back.
            var added = await _finalizer.AddAsync(ns, name, cancellationToken).ConfigureAwait(false);
            if (added.Error is { IsNotFound: true }) return Gone; // deleted meanwhile: its Deleted event ends it
            if (!added.IsSuccess) return new ReconcileResult(options.RetryInterval, added.Error!.ToString());
            rollouts.Wrote(added.Value!);
            // Go on with the object as written (the status write needs its resourceVersion): a new fleet's Rollouts each
            // finish their first pass here instead of queuing behind every other Rollout's finalizer.
            if (!RolloutFinalizer.AddedToSameSpec(rollout, added.Value!)) return new ReconcileResult(TimeSpan.Zero);
            rollout = (JsonObject)added.Value!.DeepClone();
        }
        if (!view.Paused)
        {
            // The one field of the user's object Canaria writes: a paused Deployment rolls nothing out by itself.
            var paused = await client.PatchAsync(KubeResource.Deployments, ns, view.Name, PatchType.Merge,
                new JsonObject { ["spec"] = new JsonObject { ["paused"] = true } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (paused.Error is { IsNotFound: true }) return Gone; // the Deployment's deletion is an event: the next reconcile reports it missing
            if (!paused.IsSuccess) return new ReconcileResult(options.RetryInterval, paused.Error!.ToString());
            // Paused before (a reconcile stored a stable revision only after the pause): someone resumed it, as `kubectl rollout resume` does.
            if (rollout["status"]?["stableRevision"] is not null) await ReportResumeAsync(rollout, d, now, cancellationToken).ConfigureAwait(false);
        }
        return await ReleaseAsync(rollout, doc.Spec, view, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReleaseAsync(JsonObject rollout, RolloutSpec spec, DeploymentView d, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var typed = RolloutObject.Of(rollout);
        var (ns, name) = (typed.Namespace!, typed.Name);
        var key = KubeInformer.Key(ns, name);
        var stored = StoredStatus.Of(rollout);
        var revisions = new Dictionary<string, int>(stored.Revisions, StringComparer.Ordinal);
        if (!revisions.ContainsKey(d.TemplateHash)) revisions[d.TemplateHash] = revisions.Values.DefaultIfEmpty(0).Max() + 1;
        stored = stored with { Revisions = revisions };

        var release = new KubeRelease(client, rollout, ns, name, spec, d, stored, now);
        var traffic = TrafficFor(release, _verified.TryGetValue(key, out var verified) ? verified : RoutingStatus.Of(rollout));
        var drivers = new ReleaseDrivers(new ReplicaSetWorkload(release), traffic, new KubeAnalysisDriver(release, _analysis),
            new RolloutStatusStore(release, traffic, (status, ct) => WriteStatusAsync(rollout, status, ct), () => _verified.TryRemove(key, out _), options.StuckAfter),
            new RolloutEvents(release, _events, logger));
        var command = PendingCommand.Unapplied(typed.Command, stored.CommandApplied,
            text => (RolloutCommandAnnotation.Parse(text, out var error), error));
        var input = new ReleaseInput(spec, stored.Engine, revisions[d.TemplateHash], now) { Command = command, Voice = VoiceOf(spec, ns, name) };

        var pass = await ReleaseLoop.RunAsync(input, drivers, cancellationToken).ConfigureAwait(false);
        if (!pass.IsApplied) // nothing is applied from a status that was not stored
            return pass.Store.Error == RolloutGone ? Gone : new ReconcileResult(TimeSpan.Zero, "status conflict");
        if (pass.Traffic is { Verified: true } newly) return new ReconcileResult(TimeSpan.Zero, pass.ScaleError ?? newly.Error);
        if (pass.Error is { } error) return new ReconcileResult(options.RetryInterval, error);
        // Pods, ReplicaSets and Services are watched: besides the engine's own times, only an unconfirmed router split is polled.
        var wake = traffic.NextLook(pass.Decision.Status, options.ResyncInterval, options.ProgressInterval);
        // A step that waits for pods or endpoints is looked at again when it would count as stuck (its condition turns False).
        var stuck = RolloutConditions.StuckAt(pass.Decision.Status, options.StuckAfter) is { } at && at > now ? at - now + TimeSpan.FromMilliseconds(20) : (TimeSpan?)null;
        return new ReconcileResult(KubeAnalysis.Sooner(KubeAnalysis.Sooner(wake, pass.NextCheck), stuck));
    }

    /// <summary>Tells, on the Rollout and on the Deployment, that a resume was undone and which commands do what the user wanted.</summary>
    private async Task ReportResumeAsync(JsonObject rollout, V1Deployment deployment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (name, deploymentName) = (RolloutObject.Of(rollout).Name, deployment.Metadata.Name);
        var e = new RolloutEvent(now, EventType.Warning, "DeploymentResumed",
            $"Deployment {deploymentName} was resumed (spec.paused set to false, as `kubectl rollout resume` does) and Canaria paused it again: " +
            $"Rollout {name} releases its revisions. Continue a release with `kubectl canaria promote {name}`, send traffic back with " +
            $"`kubectl canaria abort {name}`, go back to an earlier revision with `kubectl canaria undo {name}`; delete the Rollout to hand the Deployment back to Kubernetes.");
        ControllerLog.DeploymentResumed(logger, KubeInformer.Key(RolloutObject.Of(rollout).Namespace, name), deploymentName);
        await _events.RecordAsync(rollout, e, cancellationToken).ConfigureAwait(false);
        await _events.RecordOnAsync(KubeResource.Deployments, deployment.Metadata, e, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How this Rollout's messages name the split's confirmation and the commands (the kubectl plugin's form on a cluster).</summary>
    private static MessageVoice VoiceOf(RolloutSpec spec, string ns, string name) => MessageVoice.Kubernetes(name, ns,
        spec.TrafficRouting is { Any: true } ? "the router"
        : spec.Strategy.Kind == StrategyKind.BlueGreen ? $"Service {spec.Service?.Name}'s selector"
        : null);

    /// <summary>The traffic driver the spec chooses: routers, the active Service's selector (blue-green), or the ratio of ready pods.</summary>
    private IKubeTraffic TrafficFor(KubeRelease release, RoutingStatus routing)
    {
        var spec = release.Spec;
        if (spec.TrafficRouting is { Any: true } tr)
            return new RouterTraffic(release, new RoutedTraffic(client, _routers.For(tr), services), routing, next => _verified[KubeInformer.Key(release.Namespace, release.Name)] = next,
                (e, ct) => RecordAsync(release.Rollout, e, ct), options.RouterCheckInterval);
        if (spec.Strategy.Kind == StrategyKind.BlueGreen)
            return new SelectorSwitchTraffic(release, _service, spec.Service!.Name);
        return new ReplicaRatioTraffic(release, _canaryService);
    }

    /// <summary>PUT /status with the read resourceVersion; a conflict or failure is reported (the caller reconciles again).</summary>
    private async Task<StoreResult> WriteStatusAsync(JsonObject rollout, JsonObject status, CancellationToken cancellationToken)
    {
        if (StatusBuilder.Same(rollout["status"], status)) return StoreResult.Unchanged;
        var copy = (JsonObject)rollout.DeepClone();
        copy["status"] = CanonicalJson.Compact(status);
        var written = await client.ReplaceStatusAsync(RolloutResource.Rollouts, RolloutObject.Of(rollout).Namespace, copy, cancellationToken).ConfigureAwait(false);
        if (!written.IsSuccess)
        {
            ControllerLog.StatusNotWritten(logger, KubeClient.NameOf(rollout), written.Error!.ToString());
            return new StoreResult(StoreOutcome.Conflict, written.Error.IsNotFound ? RolloutGone : written.Error.ToString());
        }
        rollouts.Wrote(written.Value!);
        // A condition that turned False is one Warning event, one that turned True again one Normal event (never one per reconcile).
        foreach (var e in ConditionJson.Changes(rollout["status"]?["conditions"], status["conditions"], client.Time.GetUtcNow()))
            await RecordAsync(rollout, e, cancellationToken).ConfigureAwait(false);
        return StoreResult.Stored;
    }

    /// <summary>An event the reconciler itself decides (a condition's change, a router's drift): logged and written on the Rollout.</summary>
    private async Task RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken)
    {
        var typed = RolloutObject.Of(rollout);
        ControllerLog.Event(logger, typed.Namespace ?? "", typed.Name, e.Reason, e.Message);
        await _events.RecordAsync(rollout, e, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject DocumentOf(JsonObject rollout, string ns, string name) => new()
    {
        ["apiVersion"] = (string?)rollout["apiVersion"] ?? RolloutResource.Rollouts.ApiVersion,
        ["kind"] = (string?)rollout["kind"] ?? RolloutResource.Rollouts.Kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = rollout["spec"]?.DeepClone() ?? new JsonObject(),
    };
}
