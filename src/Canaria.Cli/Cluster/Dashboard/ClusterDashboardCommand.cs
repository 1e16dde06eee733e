using System.CommandLine;
using Canaria.Cli.Cluster.Stat;
using Canaria.Cli.Commands;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>`kubectl canaria dashboard`: checks the kubeconfig can list Rollouts, serves the page, prints a one-time login link (a new one per Enter), waits for Ctrl-C.</summary>
internal static class ClusterDashboardCommand
{
    public static async Task<int> RunAsync(ParseResult r, string? name, int port, bool open, (string? Url, string Window) prometheus, CancellationToken ct)
    {
        Uri? address = null;
        string? window = null;
        if (prometheus.Url is not null)
        {
            address = PrometheusOptions.Address("--prometheus", prometheus.Url, out var wrong);
            window = PrometheusOptions.Window("--prometheus-window", prometheus.Window, out var wrongWindow);
            if (address is null || window is null)
            {
                Output.Error((wrong ?? wrongWindow)!);
                return ExitCodes.Invalid;
            }
        }
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

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var signals = address is null ? null : new ClusterSignals(new PrometheusClient(http, address), address, window!, session.Namespace, session.Time);
        using var source = new ClusterDashboardSource(session, timeout, signals);
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
            var interactive = ForegroundTerminal.CanRead();
            Console.Error.WriteLine(interactive
                ? "Open this link: it logs one browser in, once, within 2 minutes. Press Enter for a new link; Ctrl-C stops the dashboard."
                : "Open this link: it logs one browser in, once, within 2 minutes (not on a foreground terminal: restart the dashboard for a new link).");
            var link = host.NewLoginLink(name);
            Console.WriteLine(link);
            if (open && DashboardCommand.Open(link.ToString()) != ExitCodes.Ok) return ExitCodes.Refused;
            if (interactive) PrintLinksOnEnter(host, name, ct);
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

    /// <summary>Prints a fresh login link for every line typed on the terminal, until standard input ends (then there is no one to ask).</summary>
    private static void PrintLinksOnEnter(ClusterDashboardHost host, string? name, CancellationToken ct) =>
        _ = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && await Console.In.ReadLineAsync(ct).ConfigureAwait(false) is not null)
                Console.WriteLine(host.NewLoginLink(name));
        }, ct);
}
