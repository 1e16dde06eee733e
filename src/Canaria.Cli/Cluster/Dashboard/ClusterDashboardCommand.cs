using System.CommandLine;
using Canaria.Cli.Commands;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>`kubectl canaria dashboard`: checks the kubeconfig can list Rollouts, serves the page, prints the login link, waits for Ctrl-C.</summary>
internal static class ClusterDashboardCommand
{
    public static async Task<int> RunAsync(ParseResult r, string? name, int port, bool open, CancellationToken ct)
    {
        if (ClusterOptions.ParseDuration(r.GetValue(ClusterOptions.Timeout) ?? "") is not { } timeout)
        {
            Output.Error($"--timeout {r.GetValue(ClusterOptions.Timeout)}: not a duration (e.g. 30s, 2m)");
            return ExitCodes.Invalid;
        }
        if (port is < 0 or > 65535)
        {
            Output.Error($"--port {port}: not a port (0 picks a free one)");
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        // Fail now, not in the browser, when the API cannot be reached, refuses the credentials or has no Rollout CRD.
        var probe = await session.Client.ListAsync(RolloutResource.Rollouts, session.Namespace, new ListOptions { Limit = 1 }, ct).ConfigureAwait(false);
        if (!probe.IsSuccess) return ClusterFailure.Report(session, probe.Error!, "list", "rollouts.canaria.dev", "Rollouts");

        using var source = new ClusterDashboardSource(session, timeout);
        ClusterDashboardHost host;
        try
        {
            host = await ClusterDashboardHost.StartAsync(source, port, session.Time, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Output.Error($"cannot listen on 127.0.0.1:{port}: {e.Message}");
            return ExitCodes.Refused;
        }
        await using (host.ConfigureAwait(false))
        {
            Console.Error.WriteLine($"Canaria dashboard for the Rollouts of namespace {session.Namespace} on {session.Client.Config.Server}, as the kubeconfig's user.");
            Console.Error.WriteLine("Open this link (it logs a browser in; whoever has it can act as you while this runs). Ctrl-C stops the dashboard.");
            Console.WriteLine(host.LoginLink);
            if (name is not null) Console.Error.WriteLine($"The Rollout's page: {new Uri(host.Address, "/dashboard/#/rollouts/" + Uri.EscapeDataString(name))}");
            if (open && DashboardCommand.Open(host.LoginLink.ToString()) != ExitCodes.Ok) return ExitCodes.Refused;
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
        return ExitCodes.Ok;
    }
}
