using Canaria.Local.Dashboard;
using Canaria.Local.Dashboard.Login;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// The dashboard for a cluster, served by the CLI process on 127.0.0.1 only: the local dashboard's server, sessions, CSRF
/// and CSP, with the cluster as its source. A browser logs in only through a printed link with a one-time code (it works
/// once, for <see cref="DashboardLoginCodes.Lifetime"/>): that stops another user of this machine from driving the
/// cluster with your kubeconfig through the port, and leaves nothing reusable in browser history or terminal scrollback.
/// </summary>
internal sealed class ClusterDashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DashboardLoginCodes _codes;

    private ClusterDashboardHost(WebApplication app, Uri address, DashboardLoginCodes codes)
    {
        _app = app;
        Address = address;
        _codes = codes;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri Address { get; }

    /// <summary>A new link that logs one browser in, once, and leaves it on the dashboard (on <paramref name="rollout"/>'s page if given).</summary>
    public Uri NewLoginLink(string? rollout = null) =>
        new(Address, $"{DashboardAuth.Path}/login?code={_codes.Issue()}" + (rollout is null ? "" : "#/rollouts/" + Uri.EscapeDataString(rollout)));

    public static async Task<ClusterDashboardHost> StartAsync(IDashboardSource source, int port, TimeProvider time, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var login = new DashboardLogin(null,
            "Open the link <code>kubectl canaria dashboard</code> printed: it logs one browser in, once, within 2 minutes. " +
            "The browser then keeps a session cookie; every request goes to the cluster as the kubeconfig's user.",
            "log in to the dashboard first (open the link the dashboard command printed)",
            "",
            "Press Enter in the terminal where <code>kubectl canaria dashboard</code> runs: it prints a new link.");
        var codes = new DashboardLoginCodes(time);
        app.MapDashboard(source, new DashboardSessions(time), login, codes, time);
        await app.StartAsync(ct).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ClusterDashboardHost(app, new Uri(bound), codes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
