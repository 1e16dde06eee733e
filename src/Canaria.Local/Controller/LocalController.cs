using System.Text.Json;
using System.Threading.Channels;
using Canaria.Analysis.Checks;
using Canaria.Analysis.Webhooks;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Local.Dashboard.Series;
using Canaria.Local.Gateway;
using Canaria.Local.Processes;
using Canaria.Local.State;
using Canaria.Release.Drivers;
using Canaria.Release.Loop;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Controller;

/// <summary>
/// The local platform's controller: one loop that, for every rollout, observes replicas and traffic,
/// runs the pure engine, stores the decided status first and only then scales replicas and applies
/// the gateway split. Every mutation happens on this loop; the API hands requests to it.
/// </summary>
internal sealed partial class LocalController
{
    private const int MaxImmediateTicks = 8;
    private static readonly TimeSpan AdoptionGrace = TimeSpan.FromSeconds(10);

    private readonly StateStore _store;
    private readonly ReplicaSupervisor _supervisor;
    private readonly LocalWorkload _workload;
    private readonly GatewayLink _gateway;
    private readonly AnalysisRunner _analysis;
    private readonly WebhookRunner _webhooks;
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };
    private CancellationToken _running;
    private readonly TimeProvider _time;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ManagedRollout> _rollouts = new(StringComparer.Ordinal);
    private readonly Channel<Func<ValueTask>> _requests = Channel.CreateUnbounded<Func<ValueTask>>(new UnboundedChannelOptions { SingleReader = true });
    private IReadOnlyDictionary<string, RolloutView> _views = new Dictionary<string, RolloutView>();
    private string _appliedGatewayConfig = "";
    private int _gatewayStarts;
    private bool _gatewayDown;
    private ForeignGatewayConfig? _foreign;
    private string _rejectedGatewayConfig = "";
    private DateTimeOffset _startedAt;
    private readonly StoreHealth _health;
    private readonly Queue<PendingEvent> _pendingEvents = new();

    public LocalController(
        StateStore store,
        ReplicaSupervisor supervisor,
        GatewayLink gateway,
        TimeProvider time,
        ILogger<LocalController> logger,
        ControllerOptions? options = null)
    {
        _store = store;
        _supervisor = supervisor;
        _workload = new LocalWorkload(supervisor);
        _gateway = gateway;
        _time = time;
        _logger = logger;
        _options = options ?? new ControllerOptions();
        Series = new SeriesBook(time);
        _analysis = new AnalysisRunner(gateway, new GatewayMetricSource(() => gateway.Client), RemoteCheck.Sources(Http, _options.MetricTimeout), Series);
        _webhooks = new WebhookRunner(Http, time, logger);
        _health = new StoreHealth(time, logger);
    }

    /// <summary>Replicas left running by an earlier controller for rollouts this state does not know (never stopped).</summary>
    public IReadOnlyList<Processes.ReplicaSetSnapshot> Orphans => _supervisor.Undeclared;

    /// <summary>Rollouts as of the last tick; safe to read from any thread.</summary>
    public IReadOnlyDictionary<string, RolloutView> Views => Volatile.Read(ref _views);

    public GatewayLink Gateway => _gateway;

    /// <summary>Recent golden signals and sequential-test evaluations per rollout, for the dashboard's charts.</summary>
    public SeriesBook Series { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        _running = ct;
        _startedAt = _time.GetUtcNow();
        _gatewayStarts = _gateway.Process.Restarts;
        LoadStoredRollouts();
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            while (_requests.Reader.TryRead(out var request)) await request().ConfigureAwait(false);
            FlushPendingEvents();

            var changed = false;
            for (var i = 0; i < MaxImmediateTicks; i++)
            {
                await RefreshGatewayAsync(ct).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var any = false;
                foreach (var rollout in _rollouts.Values)
                {
                    try
                    {
                        await _analysis.MeasureIfDueAsync(rollout, now, ct).ConfigureAwait(false);
                        any |= await TickAsync(rollout, now, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (StoreFailures.IsStoreFailure(e))
                    {
                        _health.Failed(StoreFailures.Describe(e, _store.DatabasePath)); // logged once a minute, not per tick
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Level-triggered: the next tick tries again from the stored status; one rollout's
                        // failure (a full disk, a broken template) must not stop the others.
                        ControllerLog.ReconcileFailed(_logger, rollout.Name, e);
                    }
                }
                await ApplyGatewayAsync(ct).ConfigureAwait(false);
                changed |= any;
                if (!any) break;
            }
            if (first)
            {
                // Replicas left by a previous controller were re-declared by the first tick. Undeclared ones of a rollout
                // this state knows are not wanted any more; those of rollouts it does not know (an empty, new or other
                // database) were not started by this controller: they are orphans, reported and left serving.
                _supervisor.PruneUndeclared(key => LocalWorkload.OwnerOf(key) is { } owner && _rollouts.ContainsKey(owner));
                foreach (var orphan in _supervisor.Undeclared)
                    ControllerLog.Orphans(_logger, orphan.SetKey, string.Join(",", orphan.Replicas.Select(x => x.Pid)));
                first = false;
            }
            PublishViews();
            Series.Sample(_rollouts.Values, _gateway.Counters);

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(changed ? TimeSpan.FromMilliseconds(20) : _options.TickInterval);
            try
            {
                await _requests.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One pass of the shared release loop for one rollout. Returns true when the stored status changed.</summary>
    private async ValueTask<bool> TickAsync(ManagedRollout r, DateTimeOffset now, CancellationToken ct) =>
        Changed(r, await PassAsync(r, now, null, ct).ConfigureAwait(false));

    private async ValueTask<PassResult> PassAsync(ManagedRollout r, DateTimeOffset now, PendingCommand? command, CancellationToken ct)
    {
        var input = new ReleaseInput(r.Spec, r.Status, r.SpecRevision, now) { Command = command, Voice = MessageVoice.Local(r.Name) };
        var pass = await ReleaseLoop.RunAsync(input, DriversFor(r), ct).ConfigureAwait(false);
        if (!pass.IsApplied) return pass;
        if (pass.Outcome == PassOutcome.AppliedUnstored)
        {
            // Applied now and stored by a later tick once the store works (r.StatusJson stays the stored one, so every tick tries again).
            if (pass.Moved) ControllerLog.AppliedUnstored(_logger, r.Name, pass.Store.Error!);
            r.UnstoredReason = pass.Store.Error;
        }
        r.Status = pass.Decision.Status;
        r.AnalysisWindow = pass.Decision.Analysis;
        return pass;
    }

    private static bool Changed(ManagedRollout r, PassResult pass) => pass.Outcome switch
    {
        PassOutcome.Applied => pass.Store.Outcome == StoreOutcome.Stored,
        PassOutcome.AppliedUnstored => pass.Moved,
        _ => false,
    };

    /// <summary>Reads the gateway's totals for this tick; a gateway process started anew (it died) gets the whole config again.</summary>
    private async ValueTask RefreshGatewayAsync(CancellationToken ct)
    {
        await _gateway.RefreshAsync(ct).ConfigureAwait(false);
        if (_gateway.Process.Restarts != _gatewayStarts)
        {
            _gatewayStarts = _gateway.Process.Restarts;
            _appliedGatewayConfig = "";
        }
    }

    /// <summary>
    /// Pushes the config of every rollout to the gateway process when it changed (the one writer of gateway config).
    /// Held right after start while adopted replicas wait for their first readiness probe, so a restarted controller
    /// never takes weight from replicas that are serving.
    /// </summary>
    private async ValueTask ApplyGatewayAsync(CancellationToken ct)
    {
        if (AwaitingAdoptedReplicas()) return;
        if (_foreign is null)
        {
            // What the adopted gateway serves for rollouts this state directory does not know (an empty or other database,
            // a spec this build cannot read) keeps serving: only `canaria delete NAME` removes it.
            if (await _gateway.Client.ConfigAsync(ct).ConfigureAwait(false) is not { } live) return;
            _foreign = ForeignGatewayConfig.Of(live, _rollouts.Keys);
            foreach (var name in _foreign.Names) ControllerLog.ForeignListener(_logger, name);
        }
        var (built, effective) = GatewayConfigBuilder.Build(_rollouts.Values, _workload);
        var config = _foreign.AddTo(built, _rollouts.Keys);
        var text = JsonSerializer.Serialize(config, CoreJson.Options);
        if (text == _appliedGatewayConfig) return;
        var result = await _gateway.ApplyAsync(config, ct).ConfigureAwait(false);
        if (result is null)
        {
            if (!_gatewayDown) ControllerLog.GatewayUnreachable(_logger, _gateway.Client.LastError ?? "no answer");
            _gatewayDown = true;
            return; // tried again next tick, and pushed whole to a restarted gateway
        }
        _gatewayDown = false;
        if (!result.Accepted)
        {
            if (text != _rejectedGatewayConfig) // tried again every tick, logged once per config
                ControllerLog.GatewayRejected(_logger, string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")));
            _rejectedGatewayConfig = text;
            return;
        }
        _appliedGatewayConfig = text;
        foreach (var r in _rollouts.Values)
        {
            r.AppliedTraffic = effective.GetValueOrDefault(r.Name);
            r.ListenAddress = _gateway.Listeners.GetValueOrDefault(r.Name);
        }
    }

    private bool AwaitingAdoptedReplicas() =>
        _time.GetUtcNow() - _startedAt < AdoptionGrace
        && _supervisor.SetKeys.Any(k => _supervisor.Observe(k).Replicas.Any(r => r.Adopted && r.State == Processes.ReplicaState.Starting));

    private void EnsureTemplate(ManagedRollout r, int revision)
    {
        if (r.Templates.ContainsKey(revision)) return;
        if (_store.GetRevision(r.Name, revision) is { } stored)
            r.Templates[revision] = RevisionTemplates.Deserialize(stored.TemplateJson);
    }

    private void PublishViews() =>
        Volatile.Write(ref _views, _rollouts.Values.ToDictionary(r => r.Name, r => RolloutViews.Of(r, _workload), StringComparer.Ordinal));
}
