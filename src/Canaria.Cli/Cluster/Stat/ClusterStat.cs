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
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    public static async Task<int> RunAsync(ParseResult r, string name, string? prometheus, string window, string output, CancellationToken ct)
    {
        if (prometheus is null || !Uri.TryCreate(prometheus.EndsWith('/') ? prometheus : prometheus + "/", UriKind.Absolute, out var address))
        {
            Output.Error(prometheus is null ? "stat on a cluster needs --prometheus URL (the Prometheus that scrapes the data plane)" : $"--prometheus {prometheus}: not a URL");
            return ExitCodes.Invalid;
        }
        if (ClusterOptions.ParseDuration(window) is not { } span)
        {
            Output.Error($"--window {window}: not a duration (e.g. 30s, 1m)");
            return ExitCodes.Invalid;
        }
        if (span < TimeSpan.FromSeconds(1))
        {
            Output.Error($"--window {window}: at least 1s (Prometheus ranges are whole seconds here, and rate() needs two scrapes inside the window)");
            return ExitCodes.Invalid;
        }
        var promWindow = $"{(long)span.TotalSeconds}s";
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Report(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);

        var service = (string?)view.Rollout["spec"]?["service"]?["name"] ?? view.DeploymentName ?? name;
        var sets = view.ReplicaSets();
        var stable = sets.FirstOrDefault(s => s.Role == "stable");
        var canary = sets.FirstOrDefault(s => s.Role == "canary");
        var targets = new StatTargets
        {
            Namespace = session.Namespace,
            StableService = service,
            CanaryService = service + "-canary",
            StablePodHash = stable?.PodHash,
            CanaryPodHash = canary?.PodHash,
            StableVersionLabel = VersionLabel(view, stable),
            CanaryVersionLabel = VersionLabel(view, canary),
        };
        var queries = DataPlaneQueries.For(view.Rollout["spec"]?["trafficRouting"] as JsonObject, targets, out var why);
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
        var total = await client.QueryAsync(queries.Total(promWindow), queries.GroupLabel, ct).ConfigureAwait(false);
        if (total.Values is null) return Fail(total);
        if (total.Values.Count == 0)
        {
            Output.Error($"Prometheus at {address} has no {queries.Requests} series for Rollout {name} in namespace {session.Namespace} over the last {promWindow} " +
                $"(selector {{{queries.Selector}}}{(queries.ExportedSelector is { } exported ? $" or {{{exported}}}" : "")}): is it scraping the {queries.Router} data plane, and does the service get traffic?");
            return ExitCodes.NotFound;
        }
        var success = await client.QueryAsync(queries.Success(promWindow), queries.GroupLabel, ct).ConfigureAwait(false);
        if (success.Values is null) return Fail(success);
        var percentiles = new List<IReadOnlyDictionary<string, double>>();
        foreach (var q in Quantiles)
        {
            var got = await client.QueryAsync(queries.Quantile(q, promWindow), queries.GroupLabel, ct).ConfigureAwait(false);
            if (got.Values is null) return Fail(got);
            percentiles.Add(got.Values);
        }

        var versions = new List<VersionStat>();
        void Add(string role, string? backend, int? revision)
        {
            if (backend is null) return;
            double? rps = total.Values.TryGetValue(backend, out var t) ? t : null;
            double? ok = success.Values.TryGetValue(backend, out var s) ? s : rps is null ? null : 0;
            double? Ms(int i) => percentiles[i].TryGetValue(backend, out var v) && double.IsFinite(v) ? v * queries.ToMilliseconds : null;
            versions.Add(new VersionStat(role, revision, backend, rps is > 0 ? ok / rps : null, rps, Ms(0), Ms(1), Ms(2)));
        }
        Add("stable", queries.Stable, view.StableRevision);
        Add("canary", queries.Canary, view.CanaryRevision);
        return Print(name, session.Namespace, queries.Router, promWindow, versions, output);
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

    /// <summary>The `version` label Istio reports as destination_version (app.kubernetes.io/version as the fallback), of a ReplicaSet's pod template.</summary>
    private static string? VersionLabel(ClusterRolloutView view, ReplicaSetRow? row)
    {
        var labels = view.Deployment?.ReplicaSets.FirstOrDefault(rs => rs.Name == row?.Name)?.Object["spec"]?["template"]?["metadata"]?["labels"];
        return (string?)labels?["version"] ?? (string?)labels?["app.kubernetes.io/version"];
    }

    private static int Fail(PrometheusAnswer answer)
    {
        Output.Error(answer.Error!);
        return answer.Answered ? ExitCodes.Refused : ExitCodes.Unreachable;
    }
}
