using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Controller;
using Spectre.Console;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>get, status and history against the Kubernetes API.</summary>
internal static class ClusterReads
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> GetAsync(ParseResult r, string? name, string output, bool watch, CancellationToken ct)
    {
        if (watch && (name is null || output == "json"))
        {
            Output.Error(name is null ? "get --watch on a cluster needs a Rollout name (the tree of its revisions and pods)" : "get --watch shows a tree; for JSON lines use status --watch -o json");
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return Fail(error);
        if (watch) return await ClusterWatch.TreeAsync(session, name!, ct).ConfigureAwait(false);
        if (name is not null) return await ShowAsync(session, name, output, ct).ConfigureAwait(false);

        var list = await session.Client.ListAllAsync(RolloutResource.Rollouts, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
        if (!list.IsSuccess) return ClusterFailure.Report(session, list.Error!, "list", "rollouts.canaria.dev", "Rollouts");
        var items = list.Value!.Items.OrderBy(i => RolloutObject.Of(i).Name, StringComparer.Ordinal).ToList();
        if (output == "json")
        {
            Console.WriteLine(new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()).ToJsonString(Indented));
            return ExitCodes.Ok;
        }
        if (items.Count == 0) Output.Info($"no Rollouts in namespace {session.Namespace}");
        else AnsiConsole.Write(ClusterRenderer.List(items));
        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(ParseResult r, string name, string output, bool watch, CancellationToken ct)
    {
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return Fail(error);
        if (!watch) return await ShowAsync(session, name, output, ct).ConfigureAwait(false);

        if (output == "json") return await WatchJsonAsync(session, name, ct).ConfigureAwait(false);
        var code = ExitCodes.Ok;
        await AnsiConsole.Live(new Text("connecting...")).StartAsync(async live =>
        {
            while (!ct.IsCancellationRequested)
            {
                var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
                if (view is null)
                {
                    code = Report(session, failure!, resource, name);
                    return;
                }
                live.UpdateTarget(ClusterRenderer.Detail(view));
                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return code;
    }

    public static async Task<int> HistoryAsync(ParseResult r, string name, string output, CancellationToken ct)
    {
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return Fail(error);
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Report(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);
        if (output == "json")
        {
            Console.WriteLine(new JsonArray(ClusterHistory.Of(view).Select(h => (JsonNode)h.ToJson()).ToArray()).ToJsonString(Indented));
            return ExitCodes.Ok;
        }
        AnsiConsole.Write(ClusterRenderer.History(view));
        return ExitCodes.Ok;
    }

    /// <summary>`status --watch -o json`: one compact JSON line per change of the Rollout or its ReplicaSets, until Ctrl-C.</summary>
    private static async Task<int> WatchJsonAsync(ClusterSession session, string name, CancellationToken ct)
    {
        string? last = null;
        try
        {
            while (true)
            {
                var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
                if (view is null) return Report(session, failure!, resource, name);
                var json = view.ToJson();
                json.Remove("rollout");
                var line = json.ToJsonString();
                if (line != last) Console.WriteLine(line);
                last = line;
                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static int Report(ClusterSession session, Kubernetes.Client.KubeStatus failure, string resource, string name) =>
        ClusterFailure.Report(session, failure, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);

    private static async Task<int> ShowAsync(ClusterSession session, string name, string output, CancellationToken ct)
    {
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Report(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);
        if (output == "json") Console.WriteLine(view.ToJson().ToJsonString(Indented));
        else AnsiConsole.Write(ClusterRenderer.Detail(view));
        return ExitCodes.Ok;
    }

    public static int Fail(string error)
    {
        Output.Error(error);
        return ExitCodes.Unreachable;
    }
}
