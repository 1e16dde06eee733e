using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Processes;

/// <summary>
/// Runs versions of services as replica processes on this machine and converges them to what the controller
/// declares (<see cref="SetDesired"/>). One per controller. Replicas outlive the supervisor's process: their
/// output goes to files and their pids are recorded, so a restarted controller adopts them (<see cref="StartAsync"/>).
/// <para>
/// Shutdown: <see cref="DetachAsync"/> stops the loop and leaves replicas running for the next start to adopt;
/// <see cref="StopAllAsync"/> stops every replica; <see cref="DisposeAsync"/> does the former when
/// <see cref="ReplicaSupervisorOptions.LeaveRunningOnDispose"/> is set, otherwise the latter.
/// </para>
/// </summary>
internal sealed partial class ReplicaSupervisor : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReplicaSet> _sets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReplicaSupervisorOptions _options;
    private readonly ReplicaLauncher _launcher;
    private readonly ReplicaRecordStore _records;
    private readonly PortAllocator _ports;
    private readonly ReadinessProber _prober = new();
    private readonly CancellationTokenSource _loopCts = new();
    private ImmutableDictionary<string, ReplicaSetSnapshot> _snapshots = ImmutableDictionary.Create<string, ReplicaSetSnapshot>(StringComparer.Ordinal);
    private TaskCompletionSource _wake = NewWake();
    private Task? _loop;
    private bool _disposed;
    private bool _detached;
    private int _disposeCalled;

    public ReplicaSupervisor(string stateDirectory, TimeProvider time, ILogger<ReplicaSupervisor> logger, ReplicaSupervisorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        StateDirectory = Path.GetFullPath(stateDirectory);
        _time = time;
        _logger = logger;
        _options = options ?? new ReplicaSupervisorOptions();
        _launcher = new ReplicaLauncher(StateDirectory, _options);
        _records = new ReplicaRecordStore(StateDirectory);
        _ports = new PortAllocator(time);
    }

    public string StateDirectory { get; }

    /// <summary>Keys of all known sets (declared, adopted, or being removed).</summary>
    public IReadOnlyList<string> SetKeys => [.. Volatile.Read(ref _snapshots).Keys.Order(StringComparer.Ordinal)];

    /// <summary>Declares that <paramref name="setKey"/> should run <paramref name="replicas"/> replicas of <paramref name="template"/>. Idempotent.</summary>
    public void SetDesired(string setKey, ReplicaTemplate template, int replicas)
    {
        ValidateSetKey(setKey);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentException.ThrowIfNullOrWhiteSpace(template.Version);
        ArgumentException.ThrowIfNullOrWhiteSpace(template.FileName);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sets.TryGetValue(setKey, out var set))
                _sets[setKey] = set = new ReplicaSet(setKey);
            set.Template = template;
            set.TemplateHash = template.ComputeHash();
            set.Desired = replicas;
            set.Removing = false;
            Publish();
        }
        Wake();
    }

    /// <summary>Stops every replica of the set gracefully and forgets it. Unknown keys are ignored.</summary>
    public void Remove(string setKey)
    {
        lock (_gate)
        {
            if (!_sets.TryGetValue(setKey, out var set))
                return;
            set.Removing = true;
            Publish();
        }
        Wake();
    }

    /// <summary>Removes the sets adopted at start that the controller has not declared since; returns how many.</summary>
    public int PruneUndeclared() => PruneUndeclared(_ => true);

    /// <summary>
    /// Removes the adopted, still undeclared sets for which <paramref name="owned"/> says yes (their owner is known and
    /// does not want them); the others are left running, as <see cref="Undeclared"/>. Returns how many were removed.
    /// </summary>
    public int PruneUndeclared(Func<string, bool> owned)
    {
        var pruned = 0;
        lock (_gate)
        {
            foreach (var set in _sets.Values.Where(s => !s.Declared && !s.Removing && owned(s.Key)))
            {
                set.Removing = true;
                pruned++;
            }
            Publish();
        }
        Wake();
        return pruned;
    }

    /// <summary>Adopted sets nobody has declared (nor removed): replicas running without an owner in this controller.</summary>
    public IReadOnlyList<ReplicaSetSnapshot> Undeclared =>
        [.. Volatile.Read(ref _snapshots).Values.Where(s => !s.Declared && !s.Removing && s.Replicas.Count > 0).OrderBy(s => s.SetKey, StringComparer.Ordinal)];

    /// <summary>The set as last observed; cheap (no lock). Unknown keys give an empty snapshot.</summary>
    public ReplicaSetSnapshot Observe(string setKey) =>
        Volatile.Read(ref _snapshots).TryGetValue(setKey, out var snapshot) ? snapshot : ReplicaSetSnapshot.Empty(setKey);

    /// <summary>Adopts the replicas recorded by a previous supervisor (live ones) and starts the loop.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is not null)
                throw new InvalidOperationException("the supervisor is already started");
            Adopt(_time.GetUtcNow());
            Publish();
            _loop = Task.Run(() => RunLoopAsync(_loopCts.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops every replica of every set (SIGTERM, then SIGKILL after the grace period) and waits for them.</summary>
    public async Task StopAllAsync(CancellationToken ct)
    {
        var stops = new List<Task>();
        lock (_gate)
        {
            foreach (var set in _sets.Values)
            {
                set.Removing = true;
                foreach (var replica in set.All)
                {
                    if (replica.HasProcess && replica.State != ReplicaState.Stopping)
                        BeginStop(set, replica);
                    if (replica.StopTask is { } stop)
                        stops.Add(stop);
                }
            }
            Publish();
        }
        await Task.WhenAll(stops).WaitAsync(ct);
        lock (_gate)
            Converge(_time.GetUtcNow());
    }

    /// <summary>
    /// Stops the loop and leaves the replicas running (and recorded) for the next supervisor to adopt. After this
    /// the supervisor accepts no more changes, and disposing it stops nothing.
    /// </summary>
    public async Task DetachAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _detached = true;
        }
        await StopLoopAsync();
        Task[] stops;
        lock (_gate)
            stops = [.. _sets.Values.SelectMany(s => s.All).Select(r => r.StopTask).OfType<Task>()];
        await Task.WhenAll(stops); // scale-downs already under way finish
        lock (_gate)
        {
            foreach (var replica in _sets.Values.SelectMany(s => s.All))
                replica.Process?.Dispose();
        }
    }

    /// <summary>
    /// Stops the loop, then stops every replica, unless <see cref="ReplicaSupervisorOptions.LeaveRunningOnDispose"/>
    /// is set or <see cref="DetachAsync"/> was called (then replicas keep running for adoption).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeCalled, 1) == 1)
            return;
        bool detached;
        lock (_gate)
            detached = _detached;
        if (detached || _options.LeaveRunningOnDispose)
        {
            await DetachAsync();
        }
        else
        {
            lock (_gate)
                _disposed = true;
            await StopLoopAsync();
            await StopAllAsync(CancellationToken.None);
        }
        _prober.Dispose();
    }

    private async Task StopLoopAsync()
    {
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
            if (!_loopCts.IsCancellationRequested)
                _loopCts.Cancel();
        }
        if (loop is not null)
            await loop;
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake);
            try
            {
                lock (_gate)
                    Converge(_time.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReplicaSupervisorLog.LoopFailed(_logger, ex);
            }
            await Task.WhenAny(wake.Task, Task.Delay(_options.TickInterval, _time, ct));
            if (wake.Task.IsCompleted)
                Interlocked.CompareExchange(ref _wake, NewWake(), wake);
        }
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Publishes immutable snapshots for <see cref="Observe"/>; called under the lock after every change.</summary>
    private void Publish()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ReplicaSetSnapshot>(StringComparer.Ordinal);
        foreach (var set in _sets.Values)
            builder[set.Key] = set.ToSnapshot();
        Volatile.Write(ref _snapshots, builder.ToImmutable());
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void ValidateSetKey(string setKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(setKey);
        if (!SetKeyPattern().IsMatch(setKey))
            throw new ArgumentException($"set key '{setKey}' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit", nameof(setKey));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SetKeyPattern();
}
