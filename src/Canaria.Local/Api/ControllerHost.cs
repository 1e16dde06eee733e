using Canaria.Local.Controller;
using Canaria.Local.Dashboard;
using Canaria.Local.Dashboard.Series;
using Canaria.Local.Dashboard.Login;
using Canaria.Local.Gateway;
using Canaria.Local.Processes;
using Canaria.Local.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Api;

/// <summary>
/// A whole local controller: state store, replica supervisor, the gateway process (adopted or started), the
/// reconcile loop and the authenticated API. One per state directory (a lock file keeps a second one out).
/// </summary>
internal sealed class ControllerHost : IAsyncDisposable
{
    private readonly ControllerHostOptions _options;
    private readonly FileStream _lock;
    private readonly StateStore _store;
    private readonly ReplicaSupervisor _supervisor;
    private readonly GatewayLink _gateway;
    private readonly WebApplication _api;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _saving = Task.CompletedTask;
    private SeriesSaver? _seriesSaver;

    private ControllerHost(ControllerHostOptions options, FileStream lockFile, StateStore store, ReplicaSupervisor supervisor, GatewayLink gateway, LocalController controller, WebApplication api, string token)
    {
        _options = options;
        _lock = lockFile;
        _store = store;
        _supervisor = supervisor;
        _gateway = gateway;
        Controller = controller;
        _api = api;
        Token = token;
    }

    public LocalController Controller { get; }
    public Uri ApiAddress { get; private set; } = new("http://127.0.0.1/");
    public string Token { get; }

    /// <summary>Where the gateway listens for a rollout's service (port 0 resolved), or null.</summary>
    public Uri? ServiceAddress(string rollout) =>
        _gateway.Listeners.TryGetValue(rollout, out var address) ? new Uri("http://" + address + "/") : null;

    /// <summary>What runs the gateway process when this controller starts one: the native executable, or canaria and why.</summary>
    public GatewayChoice GatewayProgram => _gateway.Process.Program;

    /// <summary>The gateway process serving this state directory.</summary>
    public int GatewayPid => _gateway.Process.Info.Pid;

    public static async Task<ControllerHost> StartAsync(ControllerHostOptions options, CancellationToken ct)
    {
        var dir = StateDirectory.Open(options.StateDirectory);
        var lockFile = AcquireLock(dir.Path);
        var token = dir.EnsureToken();
        StateStore store;
        try
        {
            // Before the supervisor adopts or touches any replica: a database that cannot be opened stops start-up here.
            store = StateStore.Open(dir, options.Time);
        }
        catch
        {
            await lockFile.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var supervisor = new ReplicaSupervisor(dir.Path, options.Time, options.LoggerFactory.CreateLogger<ReplicaSupervisor>(),
            new ReplicaSupervisorOptions { LeaveRunningOnDispose = !options.StopReplicasOnExit });
        await supervisor.StartAsync(ct).ConfigureAwait(false);
        var gatewayLogger = options.LoggerFactory.CreateLogger<GatewayProcess>();
        var choice = await GatewayExecutable.ChooseAsync(options.NativeGateway, options.GatewayCommand ?? GatewayLaunch.DefaultCommand(), ct).ConfigureAwait(false);
        GatewayProcessLog.Program(gatewayLogger, choice.Describe());
        var process = await GatewayProcess.StartOrAdoptAsync(dir.Path, token, choice, options.Time, gatewayLogger, ct).ConfigureAwait(false);
        var gateway = new GatewayLink(process);
        await gateway.RefreshAsync(ct).ConfigureAwait(false);

        var controller = new LocalController(store, supervisor, gateway,
            options.Time, options.LoggerFactory.CreateLogger<LocalController>(), new ControllerOptions { OnEvent = options.OnEvent });

        // The dashboard's chart points of the previous controller; a damaged file is ignored with a log line.
        var seriesPath = SeriesFile.PathIn(dir.Path);
        var seriesLogger = options.LoggerFactory.CreateLogger("Canaria.Local.Dashboard");
        if (SeriesFile.Load(seriesPath, options.Time.GetUtcNow(), seriesLogger) is { } saved)
        {
            controller.Series.Restore(saved);
            var points = saved.Rollouts.Values.Sum(r => r.Signals.Count + r.Llr.Count);
            SeriesLog.Restored(seriesLogger, points, saved.Rollouts.Count, seriesPath);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{options.ApiAddress}");
        var api = builder.Build();
        api.UseJsonErrors(options.LoggerFactory.CreateLogger("Canaria.Local.Api"));
        var loginCodes = new DashboardLoginCodes(options.Time);
        api.MapControllerApi(controller, store, token, loginCodes);
        api.MapDashboard(new LocalDashboardSource(controller, store), new DashboardSessions(options.Time), DashboardLogin.Controller(token), loginCodes, options.Time);
        await api.StartAsync(ct).ConfigureAwait(false);

        var host = new ControllerHost(options, lockFile, store, supervisor, gateway, controller, api, token);
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // A wildcard listener (--allow-remote-api) is reached locally through loopback.
        host.ApiAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        new ControllerInfo(host.ApiAddress.ToString().TrimEnd('/'), Environment.ProcessId, options.Time.GetUtcNow()).Write(dir.Path);
        host._loop = Task.Run(() => controller.RunAsync(host._stop.Token), CancellationToken.None);
        host._seriesSaver = new SeriesSaver(controller.Series, seriesPath, options.Time, seriesLogger);
        host._saving = Task.Run(() => host._seriesSaver.RunAsync(host._stop.Token), CancellationToken.None);
        return host;
    }

    /// <summary>Completes when the reconcile loop ends (it only ends on stop, or by a fault worth surfacing).</summary>
    public Task Loop => _loop;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _saving.ConfigureAwait(false);
        _seriesSaver?.SaveIfChanged(); // the points up to the stop; a failure is logged, the stop goes on
        await _api.StopAsync().ConfigureAwait(false);
        await _api.DisposeAsync().ConfigureAwait(false);
        if (_options.StopReplicasOnExit) await _supervisor.StopAllAsync(CancellationToken.None).ConfigureAwait(false);
        await _supervisor.DisposeAsync().ConfigureAwait(false);
        if (_options.StopReplicasOnExit) await _gateway.Process.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _gateway.DisposeAsync().ConfigureAwait(false);
        File.Delete(Path.Combine(_options.StateDirectory, ControllerInfo.FileName));
        _store.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static FileStream AcquireLock(string directory)
    {
        var path = Path.Combine(directory, "controller.lock");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFiles.FileMode;
            return new FileStream(path, options);
        }
        catch (IOException)
        {
            var running = ControllerInfo.Read(directory);
            throw new InvalidOperationException(
                $"another canaria controller already uses the state directory {directory}" +
                (running is null ? "" : $" (pid {running.Pid}, API {running.ApiAddress})") + "; stop it or pass a different --state-dir");
        }
    }
}
