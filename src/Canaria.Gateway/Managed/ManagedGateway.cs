using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Managed;

/// <summary>
/// Entry point of <c>canaria gateway --managed --state-dir DIR</c>: the local platform's data plane as its own process,
/// started and adopted by the controller. It starts from the last config it applied (<c>gateway/config.json</c>), so it
/// comes back with the last split after a crash and keeps serving it while no controller runs; with
/// <c>--takeover</c> it takes the listening sockets of the gateway serving now (zero-downtime restart or upgrade).
/// Exit codes: 0 stopped or handed over, 1 could not start, 2 bad setup.
/// </summary>
internal static class ManagedGateway
{
    private static readonly TimeSpan TakeoverTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DrainWindow = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string stateDirectory, bool takeover, ILoggerFactory loggerFactory, CancellationToken cancellationToken, string? listenersFrom = null)
    {
        var logger = loggerFactory.CreateLogger("Canaria.Gateway");
        var paths = new ManagedGatewayPaths(stateDirectory);
        if (paths.Prepare() is { } pathError) return Fail(logger, pathError, 2);
        string token;
        try
        {
            token = File.ReadAllText(paths.TokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(logger, $"cannot read the token {paths.TokenFile} ({e.Message}); a managed gateway is started by `canaria run`", 2);
        }

        var serving = ManagedGatewayInfo.Read(paths.InfoFile);
        var servingAlive = serving is not null && serving.Pid != Environment.ProcessId && Answers(serving.AdminSocket);
        if (servingAlive && !takeover)
            return Fail(logger, $"a gateway already serves {paths.StateDirectory} (pid {serving!.Pid}); pass --takeover to replace it without dropping requests", 1);

        HandoverClient? handover = null;
        if (!servingAlive && listenersFrom is not null)
        {
            // The gateway before this one died; the controller kept copies of its listening sockets, so connections made
            // meanwhile wait in their queues and are served by this process instead of being refused.
            try
            {
                handover = HandoverClient.TakeOver(listenersFrom, token, TakeoverTimeout);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                ManagedGatewayLog.HandoverFailed(logger, $"no listening sockets from {listenersFrom} ({e.Message}); binding them anew");
            }
        }
        else if (servingAlive)
        {
            try
            {
                handover = HandoverClient.TakeOver(serving!.HandoverSocket, token, TakeoverTimeout);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return Fail(logger, $"could not take over from gateway pid {serving!.Pid}: {e.Message}", 1);
            }
        }

        using (handover)
        {
            var config = handover?.Config ?? LoadSaved(paths, logger);
            GatewayHost host;
            try
            {
                host = await StartHostAsync(paths, token, config, handover, loggerFactory, cancellationToken).ConfigureAwait(false);
            }
            catch (GatewayConfigException e) when (handover is null)
            {
                // A saved config that no longer binds (a port taken meanwhile): serve nothing until the controller pushes one.
                ManagedGatewayLog.SavedConfigUnusable(logger, paths.ConfigFile, string.Join("; ", e.Errors));
                host = await StartHostAsync(paths, token, new GatewayConfig(), null, loggerFactory, cancellationToken).ConfigureAwait(false);
            }

            await using (host.ConfigureAwait(false))
            {
                var info = new ManagedGatewayInfo(Environment.ProcessId, host.Runtime.Instance, ManagedGatewayInfo.CurrentBuild,
                    paths.AdminSocket(Environment.ProcessId), paths.HandoverSocket(Environment.ProcessId), DateTimeOffset.UtcNow);

                // A successor writes its record before it commits. One that dies in between leaves the record naming a dead
                // process while this one serves on; said again here, so a controller started later (the one that started
                // the successor may have died too) adopts this gateway instead of starting one beside it.
                var handoverServer = HandoverServer.Start(paths.HandoverSocket(Environment.ProcessId), token, host, logger,
                    abandoned: successor => NameAgain(paths, info, successor));
                await using (handoverServer.ConfigureAwait(false))
                {
                    info.Write(paths.InfoFile);
                    handover?.Commit();
                    ManagedGatewayLog.Serving(logger, Environment.ProcessId, host.Runtime.Instance, host.ListenerAddresses.Count,
                        handover is not null ? (servingAlive ? $"took over from pid {serving!.Pid}" : "took the listening sockets the controller kept") : config.Listeners.Count > 0 ? "started from the saved config" : "waiting for a config");
                    var stopped = Task.Delay(Timeout.Infinite, cancellationToken);
                    var finished = await Task.WhenAny(stopped, handoverServer.HandedOver).ConfigureAwait(false);
                    ManagedGatewayLog.Stopping(logger, finished == stopped ? "asked to stop; requests in flight finish first" : $"handed over to pid {handoverServer.HandedOver.Result}");
                    if (finished != stopped)
                    {
                        // Both processes accept on the same sockets now. For a while, answer what still comes here with
                        // "Connection: close", so keep-alive clients leave after a response instead of finding a closed
                        // connection; then stop (requests in flight finish, idle connections close).
                        host.Listeners.StartDraining();
                        await Task.Delay(DrainWindow, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }

            CleanUp(paths);
        }

        return 0;
    }

    private static Task<GatewayHost> StartHostAsync(ManagedGatewayPaths paths, string token, GatewayConfig config, HandoverClient? handover, ILoggerFactory loggerFactory, CancellationToken ct) =>
        GatewayHost.StartAsync(new GatewayHostOptions
        {
            InitialConfig = config,
            AdminAddress = null,
            AdminUnixSocket = paths.AdminSocket(Environment.ProcessId),
            AdminToken = token,
            Inherited = handover?.Listeners ?? [],
            LoggerFactory = loggerFactory,
            OnApplied = (_, canonical, _) => PersistAsync(paths, canonical, loggerFactory.CreateLogger("Canaria.Gateway"), CancellationToken.None), // a client going away must not leave the disk behind
        }, ct);

    private static GatewayConfig LoadSaved(ManagedGatewayPaths paths, ILogger logger)
    {
        if (!File.Exists(paths.ConfigFile)) return new GatewayConfig();
        try
        {
            var parsed = GatewayConfigLoader.Parse(File.ReadAllText(paths.ConfigFile));
            if (parsed.Config is not null) return parsed.Config;
            ManagedGatewayLog.SavedConfigUnusable(logger, paths.ConfigFile, string.Join("; ", parsed.Errors));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ManagedGatewayLog.SavedConfigUnusable(logger, paths.ConfigFile, e.Message);
        }

        return new GatewayConfig();
    }

    private static async ValueTask PersistAsync(ManagedGatewayPaths paths, string canonical, ILogger logger, CancellationToken ct)
    {
        try
        {
            await AtomicFile.WriteAsync(paths.ConfigFile, canonical, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ManagedGatewayLog.PersistFailed(logger, paths.ConfigFile, e.Message);
        }
    }

    /// <summary>Removes this process's sockets, and its record unless a successor already wrote its own.</summary>
    private static void CleanUp(ManagedGatewayPaths paths)
    {
        AtomicFile.TryDelete(paths.AdminSocket(Environment.ProcessId));
        if (ManagedGatewayInfo.Read(paths.InfoFile) is { } info && info.Pid == Environment.ProcessId)
            AtomicFile.TryDelete(paths.InfoFile);
    }

    /// <summary>Writes this gateway's record again if it names <paramref name="successor"/> (which gave up its takeover).</summary>
    private static void NameAgain(ManagedGatewayPaths paths, ManagedGatewayInfo info, int successor)
    {
        try
        {
            if (ManagedGatewayInfo.Read(paths.InfoFile)?.Pid == successor) info.Write(paths.InfoFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not written (a full disk): the record keeps naming the successor until the next write; serving goes on.
        }
    }

    /// <summary>True when a process accepts connections on the socket (a killed gateway leaves its socket file behind, unanswered).</summary>
    private static bool Answers(string socketPath)
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static int Fail(ILogger logger, string message, int code)
    {
        ManagedGatewayLog.Stopping(logger, message);
        Console.Error.WriteLine("canaria gateway: " + message);
        return code;
    }
}
