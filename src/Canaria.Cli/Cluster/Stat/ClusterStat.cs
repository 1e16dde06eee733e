using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Cli.Rendering;
using Spectre.Console;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>
/// `canaria stat NAME --prometheus URL` on a cluster: success rate, RPS and p50/p95/p99 of the stable and canary versions
/// over a window, from the standard metrics of the router in spec.trafficRouting (Istio, Linkerd via SMI, ingress-nginx).
/// </summary>
internal static class ClusterStat
{
    public static async Task<int> RunAsync(ParseResult r, string name, string? prometheus, string window, string output, CancellationToken ct)
    {
        if (prometheus is null)
        {
            Output.Error("stat on a cluster needs --prometheus URL (the Prometheus that scrapes the data plane)");
            return ExitCodes.Invalid;
        }
        var address = PrometheusOptions.Address("--prometheus", prometheus, out var wrong);
        var promWindow = PrometheusOptions.Window("--window", window, out var wrongWindow);
        if (address is null || promWindow is null)
        {
            Output.Error((wrong ?? wrongWindow)!);
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Report(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);

        var queries = StatReading.Queries(view, session.Namespace, out var why);
        if (queries is null)
        {
            Output.Error($"Rollout {name} {why}");
            return ExitCodes.Invalid;
        }
        if (queries.Stable is null && queries.Canary is null)
        {
            Output.Error($"Rollout {name} has no stable or canary ReplicaSet yet: {queries.Requests} names versions by {queries.GroupLabel}");
            return ExitCodes.NotFound;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var client = new PrometheusClient(http, address);
        var reading = await StatReading.ReadAsync(client, queries, promWindow, view, ct).ConfigureAwait(false);
        if (reading.Failure is { } refused) return Fail(refused);
        if (reading.NoSeries)
        {
            Output.Error($"Prometheus at {address} {queries.NoSeries(name, session.Namespace, promWindow)}");
            return ExitCodes.NotFound;
        }
        return Print(name, session.Namespace, queries.Router, promWindow, reading.Versions, output);
    }

    private static int Print(string name, string ns, string router, string window, IReadOnlyList<VersionStat> versions, string output)
    {
        if (output == "json")
        {
            var json = new JsonObject
            {
                ["rollout"] = name,
                ["namespace"] = ns,
                ["router"] = router,
                ["window"] = window,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode)v.ToJson()).ToArray()),
            };
            Console.WriteLine(json.ToJsonString());
            return ExitCodes.Ok;
        }
        static string Ms(double? v) => v is { } x ? $"{x.ToString("0.#", CultureInfo.InvariantCulture)}ms" : "-";
        var table = new Table().Border(TableBorder.Simple).AddColumns("VERSION", "REVISION", "BACKEND", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99");
        foreach (var v in versions)
        {
            table.AddRow(v.Version, v.Revision?.ToString(CultureInfo.InvariantCulture) ?? "-", Markup.Escape(v.Backend),
                v.SuccessRate is { } s ? (s * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "-",
                v.Rps is { } rps ? rps.ToString("0.0", CultureInfo.InvariantCulture) : "-", Ms(v.P50Ms), Ms(v.P95Ms), Ms(v.P99Ms));
        }
        AnsiConsole.Write(new Markup(Markup.Escape($"{name} in {ns}: {router} metrics over {window}") + "\n"));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    private static int Fail(PrometheusAnswer answer)
    {
        Output.Error(answer.Error!);
        return answer.Answered ? ExitCodes.Refused : ExitCodes.Unreachable;
    }
}
