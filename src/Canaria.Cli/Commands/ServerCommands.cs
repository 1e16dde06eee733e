using System.CommandLine;
using Canaria.Cli.Rendering;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Managed;
using Canaria.Local.Api;
using Canaria.SampleApp;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Canaria.Cli.Commands;

/// <summary>The long-running commands: run (controller), gateway (stand-alone data plane), sample-app.</summary>
internal static class ServerCommands
{
    public static IEnumerable<Command> Create()
    {
        var run = new Command("run", "Run the local controller in the foreground: embedded gateway, replica supervisor, API. With -f, apply that rollout first. Ctrl-C stops the controller; replicas keep serving for the next start to adopt.");
        var file = new Option<FileInfo?>("--filename", "-f") { Description = "A rollout spec to apply after start (a relative path is relative to the current directory)" };
        var api = new Option<string>("--api") { Description = "API listen address (loopback by default)", DefaultValueFactory = _ => "127.0.0.1:0" };
        var stopReplicas = new Option<bool>("--stop-replicas-on-exit") { Description = "Stop every replica when the controller stops" };
        var allowRemoteApi = new Option<bool>("--allow-remote-api") { Description = "Allow --api to listen on a non-loopback address (prints a warning)" };
        run.Options.Add(file);
        run.Options.Add(api);
        run.Options.Add(stopReplicas);
        run.Options.Add(allowRemoteApi);
        run.SetAction((r, ct) =>
        {
            if (ListenAddresses.Check(r.GetValue(api)!, r.GetValue(allowRemoteApi), "the controller API", "--allow-remote-api", Output.Error) is { } refused)
            {
                Output.Error(refused);
                return Task.FromResult(ExitCodes.Invalid);
            }
            return RunControllerAsync(r.GetValue(CommonOptions.StateDir)!, r.GetValue(file), r.GetValue(api)!, r.GetValue(stopReplicas), ct);
        });
        yield return run;

        var gateway = new Command("gateway", "Run the traffic gateway alone from a config file (reloaded on change), with its admin API (bearer token) on loopback. "
            + "With --managed it is the local controller's data plane instead: started and adopted by `canaria run`, it serves the last split it was given (saved under <state-dir>/gateway) even while no controller runs.");
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Gateway config (YAML or JSON); required unless --managed" };
        var admin = new Option<string>("--admin") { Description = "Admin API address", DefaultValueFactory = _ => "127.0.0.1:0" };
        var tokenFile = new Option<string?>("--token-file") { Description = $"File holding the admin bearer token (or set {GatewayStandalone.TokenEnvironmentVariable})" };
        var managed = new Option<bool>("--managed") { Description = "Run as the data plane of the controller of --state-dir (admin API on a 0600 Unix socket there, authenticated by the state directory's token)" };
        var takeover = new Option<bool>("--takeover") { Description = "With --managed: take the listening sockets of the gateway serving now; it finishes its requests in flight and exits (no request is refused)" };
        var listenersFrom = new Option<string?>("--listeners-from") { Description = "With --managed: when no gateway serves, take copies of the last gateway's listening sockets from this socket (the controller passes it; connections made meanwhile are served, not refused)", Hidden = true };
        var allowRemoteAdmin = new Option<bool>("--allow-remote-admin") { Description = "Allow --admin to listen on a non-loopback address (prints a warning)" };
        gateway.Options.Add(config);
        gateway.Options.Add(admin);
        gateway.Options.Add(tokenFile);
        gateway.Options.Add(managed);
        gateway.Options.Add(takeover);
        gateway.Options.Add(allowRemoteAdmin);
        gateway.Options.Add(listenersFrom);
        gateway.SetAction(async (r, ct) =>
        {
            if (r.GetValue(admin) is { } adminAddress
                && ListenAddresses.Check(adminAddress, r.GetValue(allowRemoteAdmin), "the gateway admin API", "--allow-remote-admin", Output.Error) is { } refused)
            {
                Output.Error(refused);
                return ExitCodes.Invalid;
            }
            using var logs = ConsoleLogs();
            if (r.GetValue(managed))
                return await ManagedGateway.RunAsync(r.GetValue(CommonOptions.StateDir)!, r.GetValue(takeover), logs, ct, r.GetValue(listenersFrom)).ConfigureAwait(false);
            if (r.GetValue(config) is not { } file)
            {
                Output.Error("--config is required (or --managed to run as the local controller's gateway)");
                return ExitCodes.Invalid;
            }
            return await GatewayStandalone.RunAsync(file.FullName, r.GetValue(admin), r.GetValue(tokenFile), ct, logs).ConfigureAwait(false);
        });
        yield return gateway;

        var sample = new Command("sample-app", "The demo service: answers with its version and instance, with knobs for errors, latency, startup delay and crashes (see --help of the app itself).")
        {
            Hidden = true,
            TreatUnmatchedTokensAsErrors = false,
        };
        sample.SetAction((r, ct) => SampleServer.RunAsync([.. r.UnmatchedTokens], ct));
        yield return sample;
    }

    private static async Task<int> RunControllerAsync(string stateDir, FileInfo? file, string api, bool stopReplicas, CancellationToken ct)
    {
        // Read the spec before anything starts: a missing file is one line and exit 2, and nothing was started.
        string? spec = null;
        if (file is not null && (spec = await CommonOptions.ReadSpecAsync(file, ct).ConfigureAwait(false)) is null)
            return ExitCodes.Invalid;
        using var logs = ConsoleLogs();
        ControllerHost host;
        try
        {
            host = await ControllerHost.StartAsync(new ControllerHostOptions
            {
                StateDirectory = stateDir,
                ApiAddress = api,
                StopReplicasOnExit = stopReplicas,
                LoggerFactory = logs,
            }, ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            Output.Error(e.Message);
            return ExitCodes.Refused;
        }
        catch (Canaria.Local.State.StateStoreException e)
        {
            Output.Error(e.Message); // one line naming the file and what to do; no process was touched
            return ExitCodes.Refused;
        }
        await using (host.ConfigureAwait(false))
        {
            AnsiConsole.MarkupLine($"controller API on [bold]{host.ApiAddress}[/], state in [bold]{Markup.Escape(stateDir)}[/]");
            if (spec is not null)
            {
                var reply = await host.Controller.ApplyAsync(spec, ct).ConfigureAwait(false);
                if (!reply.Ok)
                {
                    Output.Error(reply.Message);
                    foreach (var e in reply.Errors) Output.Error($"  {e}");
                    return ExitCodes.Invalid;
                }
                Output.Info(reply.Message);
            }
            try
            {
                await Task.WhenAny(host.Loop, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
                await host.Loop.WaitAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
            }
        }
        return ExitCodes.Ok;
    }

    private static ILoggerFactory ConsoleLogs() =>
        LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            if (Terminal.Plain) o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        }).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
}
