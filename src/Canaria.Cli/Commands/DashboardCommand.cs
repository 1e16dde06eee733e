using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Canaria.Cli.Cluster;
using Canaria.Cli.Cluster.Dashboard;
using Canaria.Local.Api;
using Canaria.Local.Dashboard.Login;
using Canaria.Cli.Rendering;
using Canaria.Local.State;

namespace Canaria.Cli.Commands;

/// <summary>
/// `canaria dashboard`: locally, a one-time login link to the running controller's dashboard (its API host, /dashboard/)
/// and where the token is for the login form (its path, never the token). On a cluster (`kubectl canaria dashboard`), the dashboard
/// itself, served by this process on 127.0.0.1 until Ctrl-C, every request made as the kubeconfig's user.
/// `--open` starts the desktop's browser.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var command = new Command("dashboard", """
            Show where the running controller serves its web dashboard: every rollout live, one rollout's steps, split,
            golden signals, analysis (with the sequential test's LLR against its bounds) and decisions, and buttons for the
            operations. The dashboard is on the controller's API listener (127.0.0.1 unless `run --api` says otherwise).
            It prints a login link with a one-time code (it works once, for 2 minutes; the token never goes into a URL), or log
            in with the controller's token (the file `token` in the state directory); the browser then keeps an HttpOnly,
            SameSite=Strict session cookie. Every page and API needs that session, every operation also a CSRF token.
            On a cluster (`kubectl canaria dashboard`, or --kubeconfig/--context/-n): serves the same page from this process on
            127.0.0.1 (--port, default a free one) until Ctrl-C, for the Rollouts of the namespace; every read and operation goes
            to the Kubernetes API with the kubeconfig's credentials, so RBAC decides (a refused operation shows the API's
            message). It prints a login link with a one-time code (once, for 2 minutes); press Enter in its terminal for a new one.
            With --prometheus URL its charts show each version's RPS, success rate and p50/p95/p99 from the data plane's
            Prometheus (the queries of `kubectl canaria stat`: Istio, Linkerd/SMI, ingress-nginx), read at most every 5 s.
            Logins are limited to 10 a minute per client address (then 429 with Retry-After).
            """);
        var name = new Argument<string?>("name") { Description = "Open this rollout's page (default: the list)", Arity = ArgumentArity.ZeroOrOne };
        var open = new Option<bool>("--open") { Description = "Open the page in the desktop's browser (xdg-open)" };
        var port = new Option<int>("--port") { Description = "Cluster mode: port on 127.0.0.1 to serve on (default 0: a free port, printed)" };
        var prometheus = new Option<string?>("--prometheus")
        {
            Description = "Cluster mode: Prometheus base URL that scrapes the data plane, for the golden-signal charts (the queries of `stat`; implies cluster mode)",
        };
        var window = new Option<string>("--prometheus-window")
        {
            Description = "Cluster mode: the rate window of each chart point, e.g. 30s (at least two scrapes long)",
            DefaultValueFactory = _ => "1m",
        };
        command.Arguments.Add(name);
        command.Options.Add(open);
        command.Options.Add(port);
        command.Options.Add(prometheus);
        command.Options.Add(window);
        ClusterOptions.AddTo(command, operation: true);
        command.SetAction(async (r, ct) =>
        {
            if (ClusterOptions.Selected(r) || r.GetValue(prometheus) is not null)
            {
                return await ClusterDashboardCommand.RunAsync(r, r.GetValue(name), r.GetValue(port), r.GetValue(open),
                    (r.GetValue(prometheus), r.GetValue(window)!), ct).ConfigureAwait(false);
            }
            var stateDir = r.GetValue(CommonOptions.StateDir)!;
            var rollout = r.GetValue(name);
            // The controller must answer (not just have left a controller.json behind): one authenticated read.
            var code = await ApiCall.RunAsync(stateDir, c => c.GetAsync(rollout is null ? "rollouts" : $"rollouts/{Uri.EscapeDataString(rollout)}", ct), _ => ExitCodes.Ok).ConfigureAwait(false);
            if (code != ExitCodes.Ok) return code;
            var info = ControllerInfo.Read(stateDir)!;
            // A one-time code, not the token, goes into the link: browser history and terminal scrollback keep only a used-up code.
            string? loginCode = null;
            code = await ApiCall.RunAsync(stateDir, c => c.PostAsync("dashboard/login-codes", ct), response =>
            {
                loginCode = response.Body?["code"]?.GetValue<string>();
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
            if (code != ExitCodes.Ok) return code;
            var url = info.ApiAddress + "/dashboard/login?code=" + loginCode + (rollout is null ? "" : "#/rollouts/" + Uri.EscapeDataString(rollout));
            Console.WriteLine(url);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The link logs one browser in, once, within {DashboardLoginCodes.Lifetime.TotalMinutes:0} minutes (run this again for a new one). " +
                $"Or log in at {info.ApiAddress}/dashboard/ with the token in {Path.Combine(StateDirectory.Open(stateDir).Path, "token")} (controller pid {info.Pid})."));
            if (r.GetValue(open)) return Open(url);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static int Open(string url)
    {
        try
        {
            using var browser = Process.Start(new ProcessStartInfo("xdg-open") { ArgumentList = { url }, UseShellExecute = false });
            return ExitCodes.Ok;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Output.Error($"could not start a browser (xdg-open: {e.Message}); open the address above yourself");
            return ExitCodes.Refused;
        }
    }
}
