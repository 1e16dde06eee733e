using System.CommandLine;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Controller;
using Spectre.Console;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>`delete` on a cluster: deletes the Rollout and waits (bounded by --timeout) until the controller's finalizer has handed the Deployment back.</summary>
internal static class ClusterDelete
{
    public static async Task<int> RunAsync(ParseResult r, string name, CancellationToken ct)
    {
        if (ClusterOptions.ParseDuration(r.GetValue(ClusterOptions.Timeout) ?? "") is not { } timeout)
        {
            Output.Error($"--timeout {r.GetValue(ClusterOptions.Timeout)}: not a duration (e.g. 30s, 2m)");
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        var deleted = await session.Client.DeleteAsync(RolloutResource.Rollouts, session.Namespace, name, cancellationToken: ct).ConfigureAwait(false);
        if (!deleted.IsSuccess) return ClusterFailure.Report(session, deleted.Error!, "delete", "rollouts.canaria.dev", $"Rollout {name}");
        var deadline = session.Time.GetUtcNow() + timeout;
        while (true)
        {
            var got = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
            if (got.Error is { IsNotFound: true })
            {
                AnsiConsole.MarkupLine(Markup.Escape($"Rollout {name} deleted; its Deployment is un-paused and finishes toward its template"));
                return ExitCodes.Ok;
            }
            if (session.Time.GetUtcNow() > deadline)
            {
                Output.Error($"Rollout {name} is marked for deletion but still there after {timeout.TotalSeconds:0}s: the finalizer canaria.dev/release waits for `canaria controller`");
                return ExitCodes.Unreachable;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), session.Time, ct).ConfigureAwait(false);
        }
    }
}
