using System.CommandLine;
using System.Diagnostics;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Controller;
using Canaria.Cli.Load;
using Spectre.Console;

namespace Canaria.Cli.Demo;

/// <summary>
/// `canaria demo`: a complete, real release on this machine. v1 with 3 replicas behind the gateway, real
/// load, v2 released as a canary 10% → 30% → 60% → 100% under analysis, then v3 with 20% errors,
/// aborted by analysis and rolled back. Prints every decision and a final report.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var command = new Command("demo", "Run a complete real release on this machine (about 30 s): v1 → v2 canary with analysis → v3 with 20% errors, aborted automatically. Exit code 0 when everything went as expected.");
        var rps = new Option<int>("--rps") { Description = "Requests per second the demo's clients send", DefaultValueFactory = _ => 300 };
        var keep = new Option<bool>("--keep-state") { Description = "Keep the demo's state directory (logs, history) instead of deleting it" };
        command.Options.Add(rps);
        command.Options.Add(keep);
        command.SetAction((r, ct) => RunAsync(r.GetValue(rps), r.GetValue(keep), ct));
        return command;
    }

    private static async Task<int> RunAsync(int rps, bool keepState, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var stateDir = Directory.CreateTempSubdirectory("canaria-demo-").FullName;
        var events = new List<(TimeSpan At, RolloutEvent Event)>();
        void OnEvent(string rollout, RolloutEvent e)
        {
            lock (events) events.Add((clock.Elapsed, e));
            var color = e.Type == EventType.Warning ? "yellow" : "grey";
            AnsiConsole.MarkupLine($"[{color}]{clock.Elapsed.TotalSeconds,6:0.0}s  {Markup.Escape(e.Reason),-20} {Markup.Escape(e.Message)}[/]");
        }

        AnsiConsole.MarkupLine($"[bold]canaria demo[/]: state in {Markup.Escape(stateDir)}");
        var report = new DemoReport();
        var host = await ControllerHost.StartAsync(new ControllerHostOptions { StateDirectory = stateDir, StopReplicasOnExit = true, OnEvent = OnEvent }, ct).ConfigureAwait(false);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(host.GatewayProgram.Describe())}[/]");
        LoadGenerator? load = null;
        try
        {
            Say(clock, "deploying v1 with 3 replicas");
            await ApplyAsync(host, "v1", 0, ct).ConfigureAwait(false);
            await WaitAsync(host, v => v.Status is { Phase: RolloutPhase.Healthy, StableRevision: 1 }, "v1 to be ready", clock, null, ct).ConfigureAwait(false);

            var address = host.ServiceAddress(DemoSpecs.Name) ?? throw new InvalidOperationException("the gateway has no listener for the demo");
            load = new LoadGenerator(address, rps);
            load.Start();
            Say(clock, $"sending {rps} requests/s to {address}");

            Say(clock, "releasing v2 (healthy) as a canary: 10% → 30% → 60% → 100%; errors compared with stable on every tick, thresholds every 2 s");
            await ApplyAsync(host, "v2", 0, ct).ConfigureAwait(false);
            report.V2Completed = await WaitAsync(host, v => v.SpecRevision == 2 && (v.Status is { Phase: RolloutPhase.Healthy, StableRevision: 2 } || v.Status is { Phase: RolloutPhase.Aborted, CanaryRevision: 2 }),
                "v2 to be promoted", clock, load, ct).ConfigureAwait(false) is { Status.StableRevision: 2 };

            Say(clock, "releasing v3 (answers 20% of requests with 500) as a canary");
            await ApplyAsync(host, "v3", 0.2, ct).ConfigureAwait(false);
            var v3 = await WaitAsync(host, v => v.SpecRevision == 3 && (v.Status is { Phase: RolloutPhase.Aborted, CanaryRevision: 3 } || v.Status is { Phase: RolloutPhase.Healthy, StableRevision: 3 }),
                "v3 to be judged", clock, load, ct).ConfigureAwait(false);
            report.V3Aborted = v3.Status.Phase == RolloutPhase.Aborted;
            report.V3AbortReason = v3.Status.AbortReason;
            await WaitAsync(host, v => v.Versions.All(x => x.Version != "v3"), "v3's replicas to stop", clock, load, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            report.Problem = e.Message;
        }
        finally
        {
            if (load is not null)
            {
                await load.DisposeAsync().ConfigureAwait(false);
                report.Tallies = load.Tallies;
            }
            var pids = host.Controller.Views.Values.SelectMany(v => v.Versions).SelectMany(x => x.Replicas).Select(r => r.Pid).OfType<int>().ToList();
            await host.DisposeAsync().ConfigureAwait(false);
            report.LeftoverProcesses = pids.Count(IsAlive);
            if (!keepState) Directory.Delete(stateDir, recursive: true);
        }

        lock (events) report.Events = [.. events];
        report.Elapsed = clock.Elapsed;
        return report.Print() ? ExitCodes.Ok : ExitCodes.Refused;
    }

    private static async Task ApplyAsync(ControllerHost host, string version, double errorRate, CancellationToken ct)
    {
        var reply = await host.Controller.ApplyAsync(DemoSpecs.Rollout(version, errorRate), ct).ConfigureAwait(false);
        if (!reply.Ok) throw new InvalidOperationException($"the demo's own spec was rejected: {reply.Message} {string.Join("; ", reply.Errors)}");
    }

    private static async Task<RolloutView> WaitAsync(ControllerHost host, Func<RolloutView, bool> done, string what, Stopwatch clock, LoadGenerator? load, CancellationToken ct)
    {
        var deadline = clock.Elapsed + PhaseTimeout;
        var nextLine = clock.Elapsed;
        while (clock.Elapsed < deadline)
        {
            if (host.Controller.Views.TryGetValue(DemoSpecs.Name, out var view))
            {
                if (done(view)) return view;
                if (clock.Elapsed >= nextLine)
                {
                    nextLine = clock.Elapsed + TimeSpan.FromSeconds(2);
                    var versions = string.Join(" | ", view.Versions.Select(x => $"{x.Version} {x.Weight}% {x.ReadyReplicas}/{x.DesiredReplicas} ready"));
                    var sent = load is null ? "" : $"  ({load.Total} requests so far)";
                    AnsiConsole.MarkupLine($"[blue]{clock.Elapsed.TotalSeconds,6:0.0}s  {Markup.Escape(versions)}{sent}[/]");
                }
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"gave up after {PhaseTimeout.TotalSeconds:0}s waiting for {what}");
    }

    private static void Say(Stopwatch clock, string text) =>
        AnsiConsole.MarkupLine($"[bold]{clock.Elapsed.TotalSeconds,6:0.0}s  {Markup.Escape(text)}[/]");

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
