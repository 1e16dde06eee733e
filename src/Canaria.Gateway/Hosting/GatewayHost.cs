using Canaria.Gateway.Admin;
using Canaria.Gateway.Config;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Health;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// A running gateway: its runtime, its data-plane listeners, an optional admin API, active probes and an
/// optional config-file watcher. Embed it (the rollout controller) or run it stand-alone.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly HttpMessageInvoker _client;
    private readonly KestrelListenerSet _listeners;
    private readonly List<Task> _background = [];
    private FastPath.FastPathContext? _fastPath;
    private WebApplication? _admin;
    private ConfigFileWatcher? _watcher;
    private int _stopped;

    private GatewayHost(GatewayRuntime runtime, HttpMessageInvoker client, KestrelListenerSet listeners, CancellationTokenSource stopping)
    {
        _stopping = stopping;
        Runtime = runtime;
        Marks = new GatewayMarks(runtime.Signals, runtime.Instance);
        _client = client;
        _listeners = listeners;
    }

    public GatewayRuntime Runtime { get; }

    /// <summary>The fast path's shared state (null with the Kestrel engine): its HTTP/2 counters tell which path served h2c streams.</summary>
    internal FastPath.FastPathContext? FastPath => _fastPath;

    internal KestrelListenerSet Listeners => _listeners;

    /// <summary>Analysis baselines kept for a controller (managed mode).</summary>
    public GatewayMarks Marks { get; }

    /// <summary>Listener name → bound address, e.g. <c>http://127.0.0.1:41234</c> (port 0 resolved).</summary>
    public IReadOnlyDictionary<string, Uri> ListenerAddresses => _listeners.Addresses;

    /// <summary>The admin API's base address, or null when it is disabled.</summary>
    public Uri? AdminAddress { get; private set; }

    public static async Task<GatewayHost> StartAsync(GatewayHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runtime = new GatewayRuntime(new GatewayRuntimeOptions { Time = options.Time, LoggerFactory = options.LoggerFactory });
        var logger = options.LoggerFactory.CreateLogger("Canaria.Gateway");
        var client = ForwarderClientFactory.Create();
        var stopping = new CancellationTokenSource();
        var mirror = new MirrorSender(client, runtime.Signals, logger, stopping.Token);
        var pipeline = new ProxyPipeline(runtime, new HttpForwarder(client), mirror, logger);
        var fastPath = options.FastPath ? new FastPath.FastPathContext(runtime, mirror, logger, options.Http2FastPath) : null;
        var listeners = new KestrelListenerSet(pipeline, options.LoggerFactory, options.Time, fastPath);
        var host = new GatewayHost(runtime, client, listeners, stopping) { _fastPath = fastPath };
        runtime.Binder = listeners;
        runtime.OnApplied = options.OnApplied;
        listeners.Inherit(options.Inherited);
        try
        {
            var result = await runtime.ApplyAsync(options.InitialConfig, cancellationToken).ConfigureAwait(false);
            if (!result.Accepted)
            {
                throw new GatewayConfigException(result.Errors);
            }

            await host.StartAdminAsync(options, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var prober = new ActiveHealthProber(runtime, client, logger);
        host._background.Add(Task.Run(() => prober.RunAsync(host._stopping.Token), CancellationToken.None));
        if (options.ConfigFilePath is { } path)
        {
            host._watcher = new ConfigFileWatcher(path, runtime, logger);
            host._background.Add(Task.Run(() => host._watcher.RunAsync(options.ConfigFileText, host._stopping.Token), CancellationToken.None));
        }

        return host;
    }

    private async Task StartAdminAsync(GatewayHostOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.AdminUnixSocket is { } socketPath)
        {
            await StartManagedAdminAsync(socketPath, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (options.AdminAddress is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(options.AdminToken))
        {
            GatewayLog.AdminDisabled(logger, "no admin token was given");
            return;
        }

        if (!ListenerAddress.TryParse(options.AdminAddress, out var endPoint, out var error))
        {
            throw new GatewayConfigException([new ConfigError("adminAddress", error)]);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(endPoint);
        });
        var app = builder.Build();
        app.MapCanariaGatewayAdmin(Runtime, new GatewayAdminOptions { Token = options.AdminToken, AllowAnonymousMetrics = options.AllowAnonymousMetrics });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _admin = app;
        AdminAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        GatewayLog.AdminListening(logger, AdminAddress.ToString());
    }

    private async Task StartManagedAdminAsync(string socketPath, GatewayHostOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.AdminToken))
        {
            throw new GatewayConfigException([new ConfigError("adminToken", "a managed gateway needs the state directory's token")]);
        }

        Managed.AtomicFile.TryDelete(socketPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ListenUnixSocket(socketPath);
        });
        var app = builder.Build();
        app.MapCanariaGatewayAdmin(Runtime, new GatewayAdminOptions { Token = options.AdminToken });
        app.MapManagedGatewayAdmin(this, options.AdminToken);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(socketPath, Managed.AtomicFile.PrivateFile);
        _admin = app;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_admin is not null)
        {
            await _admin.StopAsync(cancellationToken).ConfigureAwait(false);
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        if (_listeners is not null)
        {
            await _listeners.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_background).ConfigureAwait(false);
        _fastPath?.Dispose();
        _watcher?.Dispose();
        _client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        Runtime.Dispose();
    }
}
