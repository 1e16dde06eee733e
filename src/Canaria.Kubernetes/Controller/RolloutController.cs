using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The Rollout controller: informers on Rollouts, Deployments and ReplicaSets feed a de-duplicating work queue
/// of Rollout keys (a Deployment or ReplicaSet event queues the Rollouts that reference its Deployment); one
/// worker reconciles a key at a time, level-triggered, and queues it again while a release is under way.
/// </summary>
public sealed class RolloutController : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly KubeControllerOptions _options;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;
    private readonly KubeInformer _rollouts;
    private readonly KubeInformer _deployments;
    private readonly KubeInformer _replicaSets;
    private readonly RolloutReconciler _reconciler;
    private readonly CancellationTokenSource _stop = new();
    private Task _worker = Task.CompletedTask;

    public RolloutController(KubeClient client, KubeControllerOptions? options = null, ILogger? logger = null)
    {
        _client = client;
        _options = options ?? new KubeControllerOptions();
        _logger = logger ?? NullLogger.Instance;
        _queue = new WorkQueue(client.Time);
        var ns = _options.Namespace;
        _rollouts = new KubeInformer(client, RolloutResource.Rollouts, ns, onEvent: OnRollout, logger: _logger);
        _deployments = new KubeInformer(client, KubeResource.Deployments, ns, onEvent: OnDeployment, logger: _logger);
        _replicaSets = new KubeInformer(client, KubeResource.ReplicaSets, ns, onEvent: OnReplicaSet, logger: _logger);
        _reconciler = new RolloutReconciler(client, _rollouts, (n, name) => _deployments.Get(n, name),
            n => _replicaSets.List().Where(rs => (string?)rs["metadata"]?["namespace"] == n), _options, _logger);
        _reconciler.Analysis.Wake = _queue.Add;
    }

    /// <summary>Reconciles finished (for tests and health: the controller is making progress).</summary>
    public int Reconciles => Volatile.Read(ref _reconciles);
    private int _reconciles;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _deployments.Start();
        _replicaSets.Start();
        _rollouts.Start();
        await Task.WhenAll(_deployments.WaitForSyncAsync(cancellationToken), _replicaSets.WaitForSyncAsync(cancellationToken),
            _rollouts.WaitForSyncAsync(cancellationToken)).ConfigureAwait(false);
        foreach (var r in _rollouts.List()) _queue.Add(KubeInformer.KeyOf(r));
        var ct = _stop.Token;
        _worker = Task.Run(() => WorkAsync(ct), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _rollouts.DisposeAsync().ConfigureAwait(false);
        await _replicaSets.DisposeAsync().ConfigureAwait(false);
        await _deployments.DisposeAsync().ConfigureAwait(false);
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
            if (result.Error is not null) ControllerLog.ReconcileFailed(_logger, key, result.Error);
            Interlocked.Increment(ref _reconciles);
            if (result.RequeueAfter is { } after) _queue.AddAfter(key, after, cancellationToken);
        }
    }

    private ValueTask OnRollout(InformerEvent ev, CancellationToken cancellationToken)
    {
        if (ev.Type != InformerEventType.Deleted) _queue.Add(KubeInformer.KeyOf(ev.Object));
        return ValueTask.CompletedTask;
    }

    private ValueTask OnDeployment(InformerEvent ev, CancellationToken cancellationToken)
    {
        QueueRolloutsOf((string?)ev.Object["metadata"]?["namespace"], (string?)ev.Object["metadata"]?["name"]);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnReplicaSet(InformerEvent ev, CancellationToken cancellationToken)
    {
        var owner = (ev.Object["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(o => (string?)o["kind"] == "Deployment" && o["controller"]?.GetValue<bool>() == true);
        if (owner is not null) QueueRolloutsOf((string?)ev.Object["metadata"]?["namespace"], (string?)owner["name"]);
        return ValueTask.CompletedTask;
    }

    private void QueueRolloutsOf(string? ns, string? deployment)
    {
        foreach (var r in _rollouts.List())
        {
            if ((string?)r["metadata"]?["namespace"] == ns && (string?)r["spec"]?["workloadRef"]?["name"] == deployment)
                _queue.Add(KubeInformer.KeyOf(r));
        }
    }
}
