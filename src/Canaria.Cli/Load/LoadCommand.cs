using System.CommandLine;
using System.Diagnostics;
using Canaria.Cli.Commands;
using Canaria.Cli.Rendering;
using Canaria.Core.Serialization;
using Spectre.Console;

namespace Canaria.Cli.Load;

/// <summary>
/// `canaria load`: the demo's load generator as a command, so a rollout has the traffic its analysis needs. Sends a
/// steady rate to a local rollout's listener (or any URL), prints progress every 5 s and, at the end (--duration or
/// Ctrl-C), requests, failures, success rate and p50/p99 per version, as the version header of each answer names it.
/// </summary>
internal static class LoadCommand
{
    public const int MaxRps = 10_000;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var command = new Command("load", "Send real traffic to a local rollout (through its gateway listener) or to a URL at a steady rate, "
            + "so analysis has requests to judge; prints per-version requests, failures, success rate and p50/p99 at the end "
            + "(--duration, or Ctrl-C). The version is read from each answer's version header (spec.service.versionHeader).");
        var target = new Argument<string>("rollout|URL") { Description = "A local rollout's name, or an http:// URL" };
        var rps = new Option<int>("--rps") { Description = $"Requests per second (1 to {MaxRps:N0})", DefaultValueFactory = _ => 100 };
        var duration = new Option<string?>("--duration", "-d") { Description = "How long, e.g. 30s or 5m (default: until Ctrl-C)" };
        var header = new Option<string[]>("--header", "-H") { Description = "Extra request header 'Name: value', repeatable; e.g. -H 'Cookie: user=test-user' to be a test user" };
        command.Arguments.Add(target);
        command.Options.Add(rps);
        command.Options.Add(duration);
        command.Options.Add(header);
        command.SetAction((r, ct) => RunAsync(r.GetValue(target)!, r.GetValue(rps), r.GetValue(duration), r.GetValue(header) ?? [], r.GetValue(CommonOptions.StateDir)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string target, int rps, string? durationText, string[] headerTexts, string stateDir, CancellationToken ct)
    {
        if (rps is < 1 or > MaxRps)
            return Invalid($"--rps {rps}: must be 1 to {MaxRps:N0}");
        TimeSpan? duration = null;
        if (durationText is not null)
        {
            if (!Durations.TryParse(durationText, out var parsed) || parsed <= TimeSpan.Zero)
                return Invalid($"--duration {durationText}: must be a positive duration such as 30s or 5m");
            duration = parsed;
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var text in headerTexts)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || text[..colon].Any(c => c <= ' ' || c >= 127))
                return Invalid($"--header {text}: must be 'Name: value'");
            headers.Add(new(text[..colon], text[(colon + 1)..].Trim()));
        }

        var (request, exit) = await LoadTarget.ResolveAsync(target, stateDir, headers, ct).ConfigureAwait(false);
        if (request is null) return exit;

        Output.Info($"sending {rps:N0} requests/s to {request.Target}{(duration is { } d ? $" for {Durations.Format(d)}" : " until Ctrl-C")}");
        var clock = Stopwatch.StartNew();
        var load = new LoadGenerator(request, rps);
        await using (load.ConfigureAwait(false))
        {
            load.Start();
            try
            {
                while (duration is null || clock.Elapsed < duration)
                {
                    var wait = duration is { } total && total - clock.Elapsed < ProgressEvery ? total - clock.Elapsed : ProgressEvery;
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                    Output.Info($"{clock.Elapsed.TotalSeconds,6:0.0}s  {LoadSummary.Line(load.Tallies)}");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        Output.Info($"{load.Total:N0} requests in {clock.Elapsed.TotalSeconds:0.0}s");
        AnsiConsole.Write(LoadSummary.Table(load.Tallies));
        var answered = load.Tallies.Where(p => p.Key != LoadGenerator.NoVersion).Sum(p => p.Value.Requests);
        if (load.Total > 0 && answered == 0 && load.Tallies.GetValueOrDefault(LoadGenerator.NoVersion)?.Failures == load.Total)
        {
            Output.Error($"no request got an answer from {request.Target}");
            return ExitCodes.Refused;
        }
        return ExitCodes.Ok;
    }

    private static int Invalid(string message)
    {
        Output.Error(message);
        return ExitCodes.Invalid;
    }
}
