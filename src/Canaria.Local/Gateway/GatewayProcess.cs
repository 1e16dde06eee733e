using System.Diagnostics;
using Canaria.Gateway.Managed;
using Canaria.Local.Processes;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Gateway;

/// <summary>
/// The controller's side of its gateway process: adopts the one serving the state directory (as replicas are adopted)
/// or starts one; starts a new one at once when it died (from the last config it saved, so it comes back with the last
/// split); replaces it without dropping a request (<see cref="ReplaceAsync"/>: the successor takes the listening sockets);
/// stops it only when asked to. Used from the controller loop only.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnresponsiveLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly ManagedGatewayPaths _paths;
    private readonly string _token;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ListenerLender _lender;
    private DateTimeOffset? _unresponsiveSince;
    private DateTimeOffset _nextStart;
    private ulong? _startTime;

    private GatewayProcess(ManagedGatewayPaths paths, string token, GatewayChoice program, TimeProvider time, ILogger logger)
    {
        _lender = ListenerLender.Start(Path.Combine(paths.Directory, "lend-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".sock"), token, logger);
        _paths = paths;
        _token = token;
        Program = program;
        _time = time;
        _logger = logger;
    }

    public ManagedGatewayInfo Info { get; private set; } = null!;

    /// <summary>The program this controller starts a gateway process with.</summary>
    public GatewayChoice Program { get; private set; }

    public GatewayClient Client { get; private set; } = null!;

    /// <summary>The gateway being replaced while it drains: its totals are still read, so what it serves meanwhile counts.</summary>
    public GatewayClient? Draining { get; private set; }

    /// <summary>The gateway this start replaces handed its listeners to a successor that failed: it drains, and its totals are still read.</summary>
    private bool _predecessorDraining;

    public void DrainingGone() => Draining = null;

    /// <summary>How many gateway processes this controller started (a new one may serve an older saved config).</summary>
    public int Restarts { get; private set; }

    public static async Task<GatewayProcess> StartOrAdoptAsync(string stateDirectory, string token, GatewayChoice program, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var paths = new ManagedGatewayPaths(stateDirectory);
        if (paths.Prepare() is { } error) throw new InvalidOperationException(error);
        var process = new GatewayProcess(paths, token, program, time, logger);
        if (ManagedGatewayInfo.Read(paths.InfoFile) is { } running && await process.TryAdoptAsync(running, ct).ConfigureAwait(false))
        {
            // /proc/PID/exe names the real file: compared with the real path of the one this controller would start, so an
            // install reached through a symlink (or a path with `..`) is the same program, not a reason to hand over.
            var notNative = program.NativeExecutable is { } native && UnixProcess.Executable(running.Pid) is { } executable
                && executable != UnixProcess.RealPath(native) ? executable : null;
            if (running.Build != ManagedGatewayInfo.CurrentBuild || notNative is not null)
            {
                // Another build, or the same gateway code run by canaria while the native executable is there now (built
                // since, e.g. after installing clang): the successor takes over the listening sockets.
                if (notNative is not null && running.Build == ManagedGatewayInfo.CurrentBuild) GatewayProcessLog.ToNative(logger, running.Pid, notNative, program.NativeExecutable!);
                else GatewayProcessLog.Upgrading(logger, running.Pid);
                try
                {
                    await process.ReplaceAsync(ct).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    GatewayProcessLog.StartFailed(logger, 0, "the gateway of the other build keeps serving: " + e.Message);
                }
            }
            return process;
        }
        await process.StartAsync(takeover: false, ct).ConfigureAwait(false);
        return process;
    }

    /// <summary>
    /// Called when a gateway call failed: a dead gateway is started again at once; one that is alive but has not answered
    /// for <see cref="UnresponsiveLimit"/> is killed and started again. True when a new process serves now.
    /// </summary>
    public async Task<bool> RecoverAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (now < _nextStart) return false;
        try
        {
            if (!ServingAlive())
            {
                // Someone may have started one meanwhile (`canaria gateway --managed --takeover`): adopt it rather than fight it.
                if (ManagedGatewayInfo.Read(_paths.InfoFile) is { } current && current.Pid != Info.Pid && await TryAdoptAsync(current, ct).ConfigureAwait(false))
                {
                    Restarts++;
                    return true;
                }
                GatewayProcessLog.Died(_logger, Info.Pid, Client.LastError ?? "no answer");
                await StartAsync(takeover: false, ct).ConfigureAwait(false);
                return true;
            }
            _unresponsiveSince ??= now;
            if (now - _unresponsiveSince < UnresponsiveLimit) return false;
            GatewayProcessLog.Unresponsive(_logger, Info.Pid, (int)UnresponsiveLimit.TotalSeconds, Client.LastError ?? "no answer");
            UnixProcess.Signal(Info.Pid, UnixProcess.SigKill);
            await WaitForExitAsync(Info.Pid, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            await StartAsync(takeover: false, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // The controller loop must go on (an abort still changes replicas and is retried toward the gateway): try again later.
            _nextStart = now + RetryDelay;
            GatewayProcessLog.StartFailed(_logger, (int)RetryDelay.TotalSeconds, e.Message);
            return false;
        }
    }

    /// <summary>Takes fresh copies of the gateway's listening sockets (after its listeners changed or a new gateway started).</summary>
    public Task HoldListenersAsync(CancellationToken ct) => _lender.BorrowAsync(Info.HandoverSocket, ct);

    /// <summary>A call succeeded: the gateway answers.</summary>
    public void Answered() => _unresponsiveSince = null;

    /// <summary>
    /// Replaces the serving gateway by a new process that takes its listening sockets; returns once the new one serves
    /// (the old one drains and exits by itself, without holding up the controller loop).
    /// </summary>
    public Task ReplaceAsync(CancellationToken ct) => StartAsync(takeover: ServingAlive(), ct);

    /// <summary>Stops the gateway: it stops accepting and lets requests in flight finish.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        _lender.Release();
        if (!ServingAlive()) return;
        UnixProcess.Signal(Info.Pid, UnixProcess.SigTerm);
        if (!await WaitForExitAsync(Info.Pid, TimeSpan.FromSeconds(15), ct).ConfigureAwait(false))
            UnixProcess.Signal(Info.Pid, UnixProcess.SigKill);
    }

    private async Task<bool> TryAdoptAsync(ManagedGatewayInfo running, CancellationToken ct)
    {
        if (!IsAlive(running.Pid)) return false;
        var client = new GatewayClient(running.AdminSocket, _token);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (await client.HealthAsync(ct).ConfigureAwait(false) is { } health && health.Instance == running.Instance)
            {
                Use(running, client);
                GatewayProcessLog.Adopted(_logger, running.Pid, running.Instance);
                return true;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, ct).ConfigureAwait(false);
        }
        GatewayProcessLog.AdoptFailed(_logger, running.Pid, client.LastError ?? "no answer");
        client.Dispose();
        return false;
    }

    private async Task StartAsync(bool takeover, CancellationToken ct)
    {
        if (takeover)
        {
            // Copies of the serving gateway's sockets first: should the successor take them over, commit and then fail, the
            // replaced gateway drains and exits, and these copies are what the next gateway serves on.
            if (await _lender.TryBorrowAsync(Info.HandoverSocket, ct).ConfigureAwait(false) is { } problem) GatewayProcessLog.BorrowFailed(_logger, problem.Message);
        }
        _predecessorDraining = false;
        if (Program.NativeExecutable is null)
        {
            await StartWithAsync(Program.Command, takeover, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await StartWithAsync(Program.Command, takeover, ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // It answered --build-id but cannot serve here (a library it loads, a limit of this machine): canaria runs the
            // gateway from now on rather than leaving the data plane down.
            Program = Program.WithoutNative($"it did not start: {e.Message}");
            GatewayProcessLog.Program(_logger, Program.Describe());
            if (takeover) takeover = await ReplacedStillServesAsync(ct).ConfigureAwait(false);
            await StartWithAsync(Program.Command, takeover, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a successor that was to take over failed (it is dead by now): whether the fallback takes over from the gateway
    /// it was to replace. It does when that gateway may still serve: it lent its sockets again (the successor died before
    /// committing), or it is alive and did not answer (a second gateway must never start beside one that may serve: the
    /// takeover fails and is tried again later while it serves). The record then names it again (the successor may have
    /// written its own just before dying). Only when it is gone, or said it handed its listeners over (it is draining),
    /// does the fallback start as the successor of a dead gateway, on the copies of the sockets this controller holds,
    /// so no listener closes and what waited in the queues is served.
    /// </summary>
    private async Task<bool> ReplacedStillServesAsync(CancellationToken ct)
    {
        if (!ServingAlive()) return false;
        switch (await _lender.TryBorrowAsync(Info.HandoverSocket, ct).ConfigureAwait(false))
        {
            case HandedOverException handedOver:
                GatewayProcessLog.SuccessorFailedAfterCommit(_logger, Info.Pid, handedOver.Message);
                _predecessorDraining = true;
                return false;
            case { } problem:
                GatewayProcessLog.ReplacedDoesNotAnswer(_logger, Info.Pid, problem.Message);
                break;
        }
        Info.Write(_paths.InfoFile);
        return true;
    }

    private async Task StartWithAsync(IReadOnlyList<string> command, bool takeover, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // A successor of a dead gateway takes the copies of its listening sockets this controller holds.
        var listenersFrom = !takeover && _lender.Count > 0 ? _lender.Path : null;
        using var process = GatewayLaunch.Start(command, _paths.StateDirectory, _paths.LogFile, takeover, listenersFrom);
        var pid = process.Id;
        while (clock.Elapsed < StartTimeout)
        {
            if (ManagedGatewayInfo.Read(_paths.InfoFile) is { } info && info.Pid == pid)
            {
                var client = new GatewayClient(info.AdminSocket, _token);
                if (await client.HealthAsync(ct).ConfigureAwait(false) is { } health && health.Instance == info.Instance)
                {
                    // The replaced gateway's totals are read while it drains: after a takeover, or when this one started on
                    // the held copies of the sockets of one that handed over to a successor that failed.
                    Draining = takeover || _predecessorDraining ? Client : null;
                    Use(info, client);
                    Restarts++;
                    GatewayProcessLog.Started(_logger, pid, info.Instance, takeover ? "took over the listeners" : "started", clock.ElapsedMilliseconds);
                    return;
                }
                client.Dispose();
            }
            if (process.HasExited)
                throw new InvalidOperationException($"the gateway process exited with code {process.ExitCode} while starting: {Tail(_paths.LogFile)}");
            await Task.Delay(TimeSpan.FromMilliseconds(25), ct).ConfigureAwait(false);
        }
        // Dead before the caller goes on: a fallback must not meet it still holding (or taking) the listening sockets.
        UnixProcess.Signal(pid, UnixProcess.SigKill);
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        throw new InvalidOperationException($"the gateway process did not start within {StartTimeout.TotalSeconds:0} s: {Tail(_paths.LogFile)}");
    }

    private void Use(ManagedGatewayInfo info, GatewayClient client)
    {
        // The previous client is left to the collector: API threads may still be reading through it.
        _startTime = UnixProcess.ReadStartTime(info.Pid);
        Info = info;
        Client = client;
        _unresponsiveSince = null;
    }

    private static bool IsAlive(int pid) => UnixProcess.ReadStartTime(pid) is not null;

    /// <summary>The gateway this controller talks to still runs (the same process: a reused pid does not count).</summary>
    private bool ServingAlive() => _startTime is { } start ? UnixProcess.IsAlive(Info.Pid, start) : IsAlive(Info.Pid);

    private static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
        }
        return true;
    }

    private static string Tail(string path)
    {
        try
        {
            var lines = File.ReadLines(path).TakeLast(5).ToList();
            return lines.Count == 0 ? "(no output)" : string.Join(" | ", lines);
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public ValueTask DisposeAsync()
    {
        _lender.Dispose();
        Client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
