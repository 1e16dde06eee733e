using Spectre.Console;

namespace Canaria.Cli.Cluster;

/// <summary>
/// `get NAME --watch` on a cluster: the Rollout's revision/ReplicaSet/pod tree (<see cref="ClusterTree"/>) twice a second
/// until Ctrl-C: redrawn in place on a terminal; printed again only when it changed (a blank line between) when piped.
/// </summary>
internal static class ClusterWatch
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    public static async Task<int> TreeAsync(ClusterSession session, string name, CancellationToken ct)
    {
        try
        {
            if (Console.IsOutputRedirected) return await PrintChangesAsync(session, name, ct).ConfigureAwait(false);
            var code = ExitCodes.Ok;
            await AnsiConsole.Live(new Text("connecting...")).StartAsync(async live =>
            {
                while (true)
                {
                    var (tree, _, error, resource) = await ClusterTree.LoadAsync(session, name, ct).ConfigureAwait(false);
                    if (tree is null)
                    {
                        code = Report(session, name, error!, resource);
                        return;
                    }
                    live.UpdateTarget(tree);
                    await Task.Delay(Period, session.Time, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            return code;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static async Task<int> PrintChangesAsync(ClusterSession session, string name, CancellationToken ct)
    {
        string? last = null;
        while (true)
        {
            var (tree, text, error, resource) = await ClusterTree.LoadAsync(session, name, ct).ConfigureAwait(false);
            if (tree is null) return Report(session, name, error!, resource);
            if (text != last)
            {
                if (last is not null) Console.WriteLine();
                Console.WriteLine(text);
                Console.Out.Flush();
                last = text;
            }
            await Task.Delay(Period, session.Time, ct).ConfigureAwait(false);
        }
    }

    private static int Report(ClusterSession session, string name, Kubernetes.Client.KubeStatus error, string resource) =>
        ClusterFailure.Report(session, error, resource == "pods" ? "list" : "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);
}
