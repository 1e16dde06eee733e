using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Controller;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// One real local controller (SQLite state, replica supervisor with real sample-app processes, gateway,
/// reconcile loop, HTTP API) in its own temporary state directory. Disposing it stops every replica it
/// started and, as a safety net, kills any replica pid it ever saw that is still alive.
/// </summary>
internal sealed class LocalRolloutFixture : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, byte> _seenPids = new();
    private readonly ConcurrentQueue<string> _events = new();

    private LocalRolloutFixture(string stateDir, ControllerHost host)
    {
        StateDir = stateDir;
        Host = host;
    }

    public string StateDir { get; }
    public ControllerHost Host { get; }
    public LocalController Controller => Host.Controller;

    public IReadOnlyCollection<string> Events => _events.ToArray();

    /// <summary>Starts a controller in a new temporary state directory, or in <paramref name="stateDir"/> (e.g. a small mount), on the system clock unless given one.</summary>
    public static async Task<LocalRolloutFixture> StartAsync(string? stateDir = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null, TimeProvider? time = null)
    {
        var dir = stateDir ?? Path.Combine(Path.GetTempPath(), "canaria-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        ConcurrentQueue<string>? events = null;
        var host = await ControllerHost.StartAsync(new ControllerHostOptions
        {
            StateDirectory = dir,
            StopReplicasOnExit = true,
            Time = time ?? TimeProvider.System,
            LoggerFactory = logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            OnEvent = (name, e) => events?.Enqueue($"{e.At:HH:mm:ss.fff} {name} {e.Type} {e.Reason}: {e.Message}"),
        }, CancellationToken.None);
        var fixture = new LocalRolloutFixture(dir, host);
        fixture._seenPids.TryAdd(host.GatewayPid, 0); // the gateway process must stop with the controller too
        events = fixture._events;
        return fixture;
    }

    public RolloutView View(string name)
    {
        Assert.True(Controller.Views.TryGetValue(name, out var view), $"rollout '{name}' has no view");
        Remember(view!);
        return view!;
    }

    public async Task ApplyAsync(string yaml)
    {
        var reply = await Controller.ApplyAsync(yaml, CancellationToken.None);
        Assert.True(reply.Ok, $"apply refused: {reply.Message} {string.Join("; ", reply.Errors)}");
    }

    public async Task CommandAsync(string name, CommandKind kind, int stepIndex = 0)
    {
        var reply = await Controller.CommandAsync(name, new RolloutCommand(kind, stepIndex), CancellationToken.None);
        Assert.True(reply.Ok, $"{kind} refused: {reply.Message}");
    }

    public async Task UndoAsync(string name, int? toRevision)
    {
        var reply = await Controller.UndoAsync(name, toRevision, CancellationToken.None);
        Assert.True(reply.Ok, $"undo refused: {reply.Message}");
    }

    /// <summary>Polls the published views until the condition holds; fails with the last view and the events otherwise.</summary>
    public async Task<RolloutView> WaitForAsync(string name, Func<RolloutView, bool> condition, string what, double seconds = 20)
    {
        var deadline = Stopwatch.StartNew();
        RolloutView? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (Host.Loop.IsFaulted) Assert.Fail($"the reconcile loop died: {Host.Loop.Exception}");
            if (Controller.Views.TryGetValue(name, out var view))
            {
                Remember(view);
                last = view;
                if (condition(view)) return view;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"timed out after {seconds}s waiting for {what}.\nlast view: {Describe(last)}\nevents:\n{string.Join("\n", _events)}");
        return null!;
    }

    /// <summary>Stable revision serving everything with all replicas ready and no release under way.</summary>
    public Task<RolloutView> WaitHealthyAsync(string name, string version, double seconds = 20) =>
        WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Healthy
            && v.Versions.Count == 1
            && v.Versions[0].Version == version && v.Versions[0].Role == "stable"
            && v.Versions[0].ReadyReplicas == v.Versions[0].DesiredReplicas
            && v.AppliedTraffic is { CanaryRevision: null }, $"Healthy with only {version}", seconds);

    /// <summary>Held at a manual pause of step index (0-based) with the given canary weight applied by the gateway.</summary>
    public Task<RolloutView> WaitPausedAtAsync(string name, int stepIndex, int weight, double seconds = 20) =>
        WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Paused
            && v.Status.StepIndex == stepIndex
            && v.Status.StepState == StepState.Paused
            && v.AppliedTraffic is { } t && t.CanaryRevision == v.Status.CanaryRevision && t.CanaryWeight == weight,
            $"Paused at step index {stepIndex} with {weight}% applied", seconds);

    public static string Describe(RolloutView? v)
    {
        if (v is null) return "(none)";
        var s = v.Status;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"phase={s.Phase} step={s.StepIndex} state={s.StepState} stable={s.StableRevision} canary={s.CanaryRevision} ");
        sb.Append(CultureInfo.InvariantCulture, $"applied={v.AppliedTraffic?.CanaryWeight}%(canary rev {v.AppliedTraffic?.CanaryRevision}) abort='{s.AbortReason}' msg='{s.Message}'");
        foreach (var ver in v.Versions)
            sb.Append(CultureInfo.InvariantCulture, $"\n  rev {ver.Revision} {ver.Version} {ver.Role} weight={ver.Weight} ready={ver.ReadyReplicas}/{ver.DesiredReplicas} pids=[{string.Join(",", ver.Replicas.Select(r => $"{r.Pid}:{r.State}"))}]");
        return sb.ToString();
    }

    public static IReadOnlyList<int> Pids(RolloutView view, int revision) =>
        view.Versions.Where(v => v.Revision == revision).SelectMany(v => v.Replicas).Select(r => r.Pid).OfType<int>().ToList();

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Waits (bounded) until every given process has exited.</summary>
    public static async Task WaitProcessesGoneAsync(IReadOnlyCollection<int> pids, string what, double seconds = 15)
    {
        Assert.NotEmpty(pids);
        var clock = Stopwatch.StartNew();
        while (pids.Any(IsAlive))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"{what}: processes still running after {seconds}s: {string.Join(",", pids.Where(IsAlive))}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the gateway no longer routes to <paramref name="oldRevision"/>, then until its processes are gone,
    /// and asserts they outlived the loss of traffic by about scaleDownDelay. The engine's own deadline
    /// (status.scaleDowns[].notBefore) is used when the poll saw it, so a late poll cannot fake a failure; otherwise
    /// the gap from the (possibly late) observation is measured, which can only underestimate the real gap.
    /// </summary>
    public async Task AssertScaledDownAfterDelayAsync(string name, int oldRevision, IReadOnlyCollection<int> pids, TimeSpan delay)
    {
        var view = await WaitForAsync(name, v => v.AppliedTraffic is { } t && !t.Routes(oldRevision), $"no traffic to revision {oldRevision}", seconds: 25);
        var observedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var notBefore = view.Status.ScaleDowns.FirstOrDefault(d => d.Revision == oldRevision)?.NotBefore;
        if (notBefore is { } nb && observedAt < nb - TimeSpan.FromMilliseconds(200))
            Assert.True(pids.All(IsAlive), $"revision {oldRevision} stopped before its scale-down time {nb:HH:mm:ss.fff} (now {observedAt:HH:mm:ss.fff})");
        await WaitProcessesGoneAsync(pids, $"revision {oldRevision} after scaleDownDelay", seconds: delay.TotalSeconds + 15);
        if (notBefore is { } due)
        {
            Assert.True(DateTimeOffset.UtcNow >= due - TimeSpan.FromMilliseconds(100),
                $"revision {oldRevision} was gone at {DateTimeOffset.UtcNow:HH:mm:ss.fff}, before its scale-down time {due:HH:mm:ss.fff}");
            Assert.True(due - observedAt <= delay + TimeSpan.FromMilliseconds(100), $"scale-down time {due:HH:mm:ss.fff} is later than scaleDownDelay after traffic left");
        }
        else
        {
            Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(150),
                $"revision {oldRevision} was gone {clock.Elapsed.TotalMilliseconds:F0} ms after its traffic left; scaleDownDelay is {delay.TotalMilliseconds} ms");
        }
    }

    /// <summary>Also the replicas the supervisor recorded in the state directory (some may never have shown in a polled view).</summary>
    private void RememberRecordedReplicas()
    {
        var records = Path.Combine(StateDir, "replicas");
        if (!Directory.Exists(records)) return;
        foreach (var file in Directory.EnumerateFiles(records, "*.json", SearchOption.AllDirectories))
        {
            try
            {
                if (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))?["pid"]?.GetValue<int>() is { } pid && pid > 0) _seenPids.TryAdd(pid, 0);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
            {
            }
        }
    }

    private void Remember(RolloutView view)
    {
        foreach (var pid in view.Versions.SelectMany(v => v.Replicas).Select(r => r.Pid).OfType<int>()) _seenPids.TryAdd(pid, 0);
    }

    public async ValueTask DisposeAsync()
    {
        List<int> leaked;
        try
        {
            if (Controller.Views is { } views)
                foreach (var v in views.Values) Remember(v);
            RememberRecordedReplicas();
            await Host.DisposeAsync();
        }
        finally
        {
            // StopReplicasOnExit must have stopped every replica; give the exits a moment, then kill what is left
            // (so nothing leaks into the next test) and fail loudly, because that is a leak.
            var clock = Stopwatch.StartNew();
            while (_seenPids.Keys.Any(IsAlive) && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
            leaked = _seenPids.Keys.Where(IsAlive).ToList();
            foreach (var pid in leaked)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                }
            }
            try
            {
                Directory.Delete(StateDir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        if (leaked.Count > 0)
            throw new InvalidOperationException($"replica processes outlived the controller (StopReplicasOnExit): {string.Join(", ", leaked)}");
    }
}
