using System.Net;

namespace Canaria.SampleApp;

/// <summary>
/// The demo service: a versioned HTTP server with fault knobs. Used by <c>Program</c> and by the
/// <c>canaria sample-app</c> hidden subcommand, so the CLI's own executable can act as the demo app.
/// </summary>
public static class SampleServer
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;
    public const int ExitCrash = 3;

    /// <summary>Runs until <paramref name="ct"/> is cancelled or SIGTERM/SIGINT (exit 0), a simulated crash (exit 3), or bad options (exit 2).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = SampleOptionsParser.Parse(args, Environment.GetEnvironmentVariable, Environment.ProcessId);
        if (parsed.HelpRequested)
        {
            await Console.Out.WriteLineAsync(SampleOptionsParser.Usage);
            return ExitOk;
        }
        if (parsed.Options is not { } options)
        {
            await Console.Error.WriteLineAsync($"sample-app: error: {parsed.Error}");
            return ExitUsage;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Address, options.Port, l =>
            l.Protocols = options.Http2Only ? Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2 : Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2));
        await using var app = builder.Build();
        var state = new SampleState(options);
        SampleEndpoints.Map(app, state);
        SampleGrpc.Map(app, state);

        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"sample-app: error: cannot listen on {options.Address}:{options.Port}: {ex.Message}");
            return ExitUsage;
        }

        var port = BoundPort(app) ?? options.Port;
        await Console.Out.WriteLineAsync(
            $"sample-app version={options.Version} instance={options.Instance} listening on {(options.Http2Only ? "h2c" : "http")}://{FormatHost(options.Address)}:{port} pid={Environment.ProcessId}");
        await Console.Out.FlushAsync(ct);

        _ = MarkStartedAsync(state, app.Lifetime.ApplicationStopping);
        if (options.CrashAfterSeconds is { } seconds)
            _ = CrashLaterAsync(state, TimeSpan.FromSeconds(seconds), app.Lifetime.ApplicationStopping);

        var stopping = WhenCancelled(app.Lifetime.ApplicationStopping);
        var cancelled = WhenCancelled(ct);
        var first = await Task.WhenAny(stopping, cancelled, state.Crash);
        var exitCode = first == state.Crash ? ExitCrash : ExitOk;
        using var stopTimeout = new CancellationTokenSource(exitCode == ExitCrash ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5));
        await app.StopAsync(stopTimeout.Token);
        await Console.Out.WriteLineAsync($"sample-app instance={options.Instance} exiting code={exitCode}");
        await Console.Out.FlushAsync(CancellationToken.None);
        return exitCode;
    }

    private static async Task MarkStartedAsync(SampleState state, CancellationToken ct)
    {
        if (state.Options.StartupDelayMs > 0)
            await Task.Delay(state.Options.StartupDelayMs, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        state.MarkStarted();
    }

    private static async Task CrashLaterAsync(SampleState state, TimeSpan after, CancellationToken ct)
    {
        await Task.Delay(after, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!ct.IsCancellationRequested)
            state.TriggerCrash();
    }

    private static Task WhenCancelled(CancellationToken ct)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ct.Register(() => tcs.TrySetResult());
        return tcs.Task;
    }

    private static int? BoundPort(WebApplication app)
    {
        foreach (var url in app.Urls)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
                return uri.Port;
        }
        return null;
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
