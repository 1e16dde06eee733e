using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Canaria.Cli.Client;
using Canaria.Cli.Cluster;
using Canaria.Cli.Cluster.Stat;
using Canaria.Cli.Rendering;
using Canaria.Core.Serialization;
using Canaria.Local.Controller;
using Spectre.Console;

namespace Canaria.Cli.Commands;

/// <summary>apply, get, status, history, stat.</summary>
internal static class ReadCommands
{
    public static IEnumerable<Command> Create()
    {
        var apply = new Command("apply", "Create or change a rollout. A changed template is a new revision and starts a release; an invalid spec is rejected whole and changes nothing.");
        var file = CommonOptions.File();
        apply.Options.Add(file);
        apply.SetAction(async (r, ct) =>
        {
            if (await CommonOptions.ReadSpecAsync(r.GetValue(file)!, ct).ConfigureAwait(false) is not { } yaml)
                return ExitCodes.Invalid;
            return await ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!, c => c.PutYamlAsync("rollouts", yaml, ct)).ConfigureAwait(false);
        });
        yield return apply;

        var get = new Command("get", "Show rollouts: phase, step, canary weight, versions and analysis verdicts. On a cluster, `get NAME --watch` shows the " +
            "Rollout's revisions (ReplicaSet, images, ready/desired pods) and their pods as a tree, live until Ctrl-C.");
        var getName = new Argument<string?>("name") { Description = "One rollout (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var getOutput = CommonOptions.Output();
        var getWatch = new Option<bool>("--watch", "-w") { Description = "Refresh live (cluster: the revision/ReplicaSet/pod tree of one Rollout)" };
        get.Arguments.Add(getName);
        get.Options.Add(getOutput);
        get.Options.Add(getWatch);
        ClusterOptions.AddTo(get);
        get.SetAction((r, ct) => ClusterOptions.Selected(r) ? ClusterReads.GetAsync(r, r.GetValue(getName), r.GetValue(getOutput)!, r.GetValue(getWatch), ct) : ShowAsync(r.GetValue(CommonOptions.StateDir)!, r.GetValue(getName), r.GetValue(getOutput)!, r.GetValue(getWatch), ct));
        yield return get;

        var status = new Command("status", "Show one rollout in detail; --watch refreshes it twice a second until Ctrl-C.");
        var statusName = CommonOptions.RolloutName();
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh live" };
        var statusOutput = CommonOptions.Output();
        status.Arguments.Add(statusName);
        status.Options.Add(watch);
        status.Options.Add(statusOutput);
        ClusterOptions.AddTo(status);
        status.SetAction((r, ct) => ClusterOptions.Selected(r) ? ClusterReads.StatusAsync(r, r.GetValue(statusName)!, r.GetValue(statusOutput)!, r.GetValue(watch), ct) : ShowAsync(r.GetValue(CommonOptions.StateDir)!, r.GetValue(statusName), r.GetValue(statusOutput)!, r.GetValue(watch), ct));
        yield return status;

        var history = new Command("history", "Every decision of a rollout with its time and reason, oldest first and the newest last, as `kubectl events` lists them; " +
            "--limit keeps the newest N. --revisions lists the revisions instead (number, version, template hash, created, role), oldest first, " +
            "as `kubectl rollout history` does; on a cluster history always lists the revisions with their ReplicaSets.");
        var historyName = CommonOptions.RolloutName();
        var limit = new Option<int>("--limit") { Description = "Show only the newest N entries (local)", DefaultValueFactory = _ => 100 };
        var revisions = new Option<bool>("--revisions") { Description = "List the revisions instead of the decisions (the numbers `canaria undo --to-revision` takes)" };
        var historyOutput = CommonOptions.Output();
        history.Arguments.Add(historyName);
        history.Options.Add(limit);
        history.Options.Add(revisions);
        history.Options.Add(historyOutput);
        ClusterOptions.AddTo(history);
        history.SetAction((r, ct) => ClusterOptions.Selected(r) ? ClusterReads.HistoryAsync(r, r.GetValue(historyName)!, r.GetValue(historyOutput)!, ct) : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!,
            c => c.GetAsync(r.GetValue(revisions)
                ? $"rollouts/{Uri.EscapeDataString(r.GetValue(historyName)!)}/revisions"
                : $"rollouts/{Uri.EscapeDataString(r.GetValue(historyName)!)}/history?limit={r.GetValue(limit)}", ct),
            response => r.GetValue(revisions) ? PrintRevisions(response, r.GetValue(historyOutput)!) : PrintHistory(response, r.GetValue(historyOutput)!)));
        yield return history;

        var stat = new Command("stat", "Per-version golden signals: the weight as applied, success rate, RPS, p50/p95/p99 (like `linkerd viz stat ts`). Locally from the gateway, with " +
            "a row for a mirror target (the copies of the stable's requests, with their own success rate and latency) and the client errors " +
            "(requests the client broke, never counted as a version's requests or failures); " +
            "on a cluster (--prometheus URL) from Prometheus, using the metrics of the Rollout's router (spec.trafficRouting: istio, smi = Linkerd, nginx).");
        var statName = CommonOptions.RolloutName();
        var window = new Option<string?>("--window") { Description = "Window (default 10s locally, up to 1m; 1m on a cluster)" };
        var prometheus = new Option<string?>("--prometheus") { Description = "Cluster mode: Prometheus base URL that scrapes the data plane (implies cluster mode)" };
        var statOutput = CommonOptions.Output();
        var statWatch = new Option<bool>("--watch", "-w") { Description = "Ask again every 2 s until Ctrl-C (with -o json: one JSON line per refresh); local" };
        stat.Arguments.Add(statName);
        stat.Options.Add(window);
        stat.Options.Add(statWatch);
        stat.Options.Add(prometheus);
        stat.Options.Add(statOutput);
        ClusterOptions.AddTo(stat);
        stat.SetAction((r, ct) => ClusterOptions.Selected(r) || r.GetValue(prometheus) is not null
            ? ClusterStat.RunAsync(r, r.GetValue(statName)!, r.GetValue(prometheus), r.GetValue(window) ?? "1m", r.GetValue(statOutput)!, ct)
            : LocalStat.RunAsync(r.GetValue(CommonOptions.StateDir)!, r.GetValue(statName)!, r.GetValue(window) ?? "10s", r.GetValue(statOutput)!, r.GetValue(statWatch), ct));
        yield return stat;
    }

    /// <summary>Replicas the controller found running for rollouts its state does not know: left serving, named here.</summary>
    private static async Task PrintOrphansAsync(string stateDir, CancellationToken ct)
    {
        using var client = ApiClient.Connect(stateDir, out _);
        if (client is null) return;
        var response = await client.GetAsync("orphans", ct).ConfigureAwait(false);
        if (!response.Ok || response.Body is not System.Text.Json.Nodes.JsonArray { Count: > 0 } orphans) return;
        foreach (var set in orphans)
        {
            var pids = string.Join(",", set?["replicas"]?.AsArray().Select(r => r?["pid"]?.ToString()) ?? []);
            Output.Error($"orphan replicas {set?["setKey"]} (pids {pids}): not managed by this controller (its state does not know that rollout); left serving");
        }
    }

    private static async Task<int> ShowAsync(string stateDir, string? name, string output, bool watch, CancellationToken ct)
    {
        var path = name is null ? "rollouts" : $"rollouts/{Uri.EscapeDataString(name)}";
        if (!watch)
        {
            var shown = await ApiCall.RunAsync(stateDir, c => c.GetAsync(path, ct), response => Print(response, name, output)).ConfigureAwait(false);
            if (shown == ExitCodes.Ok && name is null && output != "json") await PrintOrphansAsync(stateDir, ct).ConfigureAwait(false);
            return shown;
        }

        using var client = ApiClient.Connect(stateDir, out var error);
        if (client is null)
        {
            Output.Error(error);
            return ExitCodes.Unreachable;
        }
        var code = ExitCodes.Ok;
        await AnsiConsole.Live(new Text("connecting...")).StartAsync(async live =>
        {
            while (!ct.IsCancellationRequested)
            {
                var response = await client.GetAsync(path, ct).ConfigureAwait(false);
                if (!response.Ok)
                {
                    code = ApiCall.Failure(response);
                    return;
                }
                var view = JsonSerializer.Deserialize<RolloutView>(response.Text, CoreJson.Options)!;
                live.UpdateTarget(RolloutRenderer.Detail(view));
                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return code;
    }

    private static int Print(ApiResponse response, string? name, string output)
    {
        if (output == "json")
        {
            Console.WriteLine(response.Text);
            return ExitCodes.Ok;
        }
        if (name is null)
            AnsiConsole.Write(RolloutRenderer.List(JsonSerializer.Deserialize<List<RolloutView>>(response.Text, CoreJson.Options)!));
        else
            AnsiConsole.Write(RolloutRenderer.Detail(JsonSerializer.Deserialize<RolloutView>(response.Text, CoreJson.Options)!));
        return ExitCodes.Ok;
    }

    private static int PrintHistory(ApiResponse response, string output)
    {
        if (output == "json")
        {
            Console.WriteLine(response.Text);
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("TIME", "TYPE", "REASON", "MESSAGE");
        foreach (var e in response.Body!.AsArray())
            table.AddRow(Markup.Escape(e!["timestamp"]!.GetValue<DateTimeOffset>().ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)),
                Markup.Escape(e["type"]!.GetValue<string>()), Markup.Escape(e["reason"]!.GetValue<string>()), Markup.Escape(e["message"]!.GetValue<string>()));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    private static int PrintRevisions(ApiResponse response, string output)
    {
        if (output == "json")
        {
            Console.WriteLine(response.Text);
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("REVISION", "VERSION", "HASH", "CREATED", "ROLE");
        foreach (var e in response.Body!.AsArray().OrderBy(e => e!["number"]!.GetValue<int>()))
            table.AddRow(e!["number"]!.ToString(), Markup.Escape((string?)e["version"] ?? "-"), Markup.Escape((string?)e["templateHash"] ?? "-"),
                e["createdAt"]!.GetValue<DateTimeOffset>().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape((string?)e["role"] ?? ""));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }
}
