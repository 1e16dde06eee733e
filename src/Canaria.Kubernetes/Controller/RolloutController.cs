using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The Rollout controller: informers on Rollouts, Deployments, ReplicaSets and Services feed a de-duplicating work queue
/// of Rollout keys. An event finds the Rollouts it concerns through indexes kept from the informers' events (a Deployment
/// or its ReplicaSet: the Rollouts whose workloadRef names it; a Service: the Rollouts that name it or its -canary), so
/// the controller is level-triggered on changes: a Rollout is reconciled when something it reads changed, or when a
/// time it waits for comes (a timed pause, a deadline, an analysis interval), not on a polling timer. Several workers
/// reconcile different Rollouts at once; one Rollout is never reconciled by two at a time.
/// </summary>
public sealed class RolloutController : IAsyncDisposable
{
    private readonly KubeControllerOptions _options;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;
    private readonly KubeInformer<JsonObject> _rollouts;
    private readonly KubeInformer<V1Deployment> _deployments;
    private readonly KubeInformer<V1ReplicaSet> _replicaSets;
    private readonly KubeInformer<V1Service> _services;
    private readonly ReverseIndex _rolloutsByDeployment = new();
    private readonly ReverseIndex _rolloutsByService = new();
    private readonly ReverseIndex _replicaSetsByOwner = new();
    private readonly RolloutReconciler _reconciler;
    private readonly CancellationTokenSource _stop = new();
    private Task _workers = Task.CompletedTask;

    public RolloutController(KubeClient client, KubeControllerOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new KubeControllerOptions();
        _logger = logger ?? NullLogger.Instance;
        _queue = new WorkQueue(client.Time);
        var ns = _options.Namespace;
        _rollouts = new KubeInformer<JsonObject>(client, RolloutResource.Rollouts, ns, InformerCodecs.Json, onEvent: OnRollout, logger: _logger);
        _deployments = new KubeInformer<V1Deployment>(client, KubeResource.Deployments, ns, InformerCodecs.Deployments, onEvent: OnDeployment, logger: _logger);
        _replicaSets = new KubeInformer<V1ReplicaSet>(client, KubeResource.ReplicaSets, ns, InformerCodecs.ReplicaSets, onEvent: OnReplicaSet, logger: _logger);
        _services = new KubeInformer<V1Service>(client, KubeResource.Services, ns, InformerCodecs.Services, onEvent: OnService, logger: _logger);
        _reconciler = new RolloutReconciler(client, _rollouts, (n, name) => _deployments.Get(n, name), ReplicaSetsOf,
            (n, name) => _services.Get(n, name), _options, _logger);
        _reconciler.Analysis.Wake = _queue.Add;
    }

    /// <summary>Reconciles finished (for tests and health: the controller is making progress).</summary>
    public int Reconciles => Volatile.Read(ref _reconciles);
    private int _reconciles;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _deployments.Start();
        _replicaSets.Start();
        _services.Start();
        _rollouts.Start();
        await Task.WhenAll(_deployments.WaitForSyncAsync(cancellationToken), _replicaSets.WaitForSyncAsync(cancellationToken),
            _services.WaitForSyncAsync(cancellationToken), _rollouts.WaitForSyncAsync(cancellationToken)).ConfigureAwait(false);
        var all = _rollouts.List();
        foreach (var r in all) _queue.Add(KubeInformer.KeyOf(r));
        ControllerLog.Synced(_logger, all.Count, Math.Max(1, _options.Workers));
        var ct = _stop.Token;
        _workers = Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => Task.Run(() => WorkAsync(ct), ct)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _workers.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _rollouts.DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        await _replicaSets.DisposeAsync().ConfigureAwait(false);
        await _deployments.DisposeAsync().ConfigureAwait(false);
        await _reconciler.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = await _queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            ReconcileResult result;
            try
            {
                result = await _reconciler.ReconcileAsync(key[..slash], key[(slash + 1)..], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ControllerLog.ReconcileThrew(_logger, key, e);
                result = new ReconcileResult(_options.RetryInterval);
            }
            finally
            {
                _queue.Done(key);
            }
            if (result.Error is not null)
            {
                // A Rollout deleted while it was reconciled ends quietly: what failed was its last write, not a release.
                if (_rollouts.Get(key[..slash], key[(slash + 1)..]) is null) ControllerLog.ReconcileOfDeleted(_logger, key, result.Error);
                else ControllerLog.ReconcileFailed(_logger, key, result.Error);
            }
            Interlocked.Increment(ref _reconciles);
            if (result.RequeueAfter is { } after) _queue.AddAfter(key, after, cancellationToken);
        }
    }

    /// <summary>The ReplicaSets a Deployment controls and those its Rollout controls (beside the Deployment's primary).</summary>
    private IEnumerable<V1ReplicaSet> ReplicaSetsOf(string ns, string deployment, string rollout)
    {
        foreach (var key in _replicaSetsByOwner.Lookup(KubeInformer.Key(ns, deployment)).Concat(_replicaSetsByOwner.Lookup(RolloutOwner(ns, rollout))))
        {
            if (_replicaSets.Get(ns, key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]) is { } rs) yield return rs;
        }
    }

    private static string RolloutOwner(string? ns, string rollout) => "rollout:" + KubeInformer.Key(ns, rollout);

    private ValueTask OnRollout(InformerEvent<JsonObject> ev, CancellationToken cancellationToken)
    {
        var key = KubeInformer.KeyOf(ev.Object);
        if (ev.Type == InformerEventType.Deleted)
        {
            _rolloutsByDeployment.Remove(key);
            _rolloutsByService.Remove(key);
            return ValueTask.CompletedTask;
        }
        var ns = (string?)ev.Object["metadata"]?["namespace"];
        _rolloutsByDeployment.Set(key, (string?)ev.Object["spec"]?["workloadRef"]?["name"] is { Length: > 0 } d ? [KubeInformer.Key(ns, d)] : []);
        _rolloutsByService.Set(key, (string?)ev.Object["spec"]?["service"]?["name"] is { Length: > 0 } s
            ? [KubeInformer.Key(ns, s), KubeInformer.Key(ns, CanaryService.NameOf(s))]
            : []);
        _queue.Add(key);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnDeployment(InformerEvent<V1Deployment> ev, CancellationToken cancellationToken)
    {
        QueueAll(_rolloutsByDeployment.Lookup(KubeInformer.Key(ev.Object.Metadata.NamespaceProperty, ev.Object.Metadata.Name)));
        return ValueTask.CompletedTask;
    }

    private ValueTask OnReplicaSet(InformerEvent<V1ReplicaSet> ev, CancellationToken cancellationToken)
    {
        var ns = ev.Object.Metadata.NamespaceProperty;
        var key = KubeInformer.Key(ns, ev.Object.Metadata.Name);
        var owner = OwnedReplicaSet.ControllerOf(ev.Object.Metadata);
        var (kind, name) = (owner?.Kind, owner?.Name ?? "");
        var ownerKey = kind == "Deployment" ? KubeInformer.Key(ns, name)
            : kind == RolloutResource.Rollouts.Kind && owner?.ApiVersion == RolloutResource.Rollouts.ApiVersion ? RolloutOwner(ns, name) : null;
        if (ev.Type == InformerEventType.Deleted || ownerKey is null) _replicaSetsByOwner.Remove(key);
        else _replicaSetsByOwner.Set(key, ownerKey);
        if (kind == "Deployment") QueueAll(_rolloutsByDeployment.Lookup(ownerKey!));
        else if (ownerKey is not null) _queue.Add(KubeInformer.Key(ns, name));
        return ValueTask.CompletedTask;
    }

    private ValueTask OnService(InformerEvent<V1Service> ev, CancellationToken cancellationToken)
    {
        QueueAll(_rolloutsByService.Lookup(KubeInformer.Key(ev.Object.Metadata.NamespaceProperty, ev.Object.Metadata.Name)));
        return ValueTask.CompletedTask;
    }

    private void QueueAll(string[] rollouts)
    {
        foreach (var r in rollouts) _queue.Add(r);
    }
}
