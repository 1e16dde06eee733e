using System.Security.Cryptography;
using Canaria.Local.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// The dashboard for a cluster, served by the CLI process on 127.0.0.1 only: the local dashboard's server, sessions, CSRF
/// and CSP, with a random login token made at start (printed in the login link, never stored) and the cluster as its
/// source. The token stops another user of this machine from driving the cluster with your kubeconfig through the port.
/// </summary>
internal sealed class ClusterDashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ClusterDashboardHost(WebApplication app, Uri address, string token)
    {
        _app = app;
        Address = address;
        Token = token;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri Address { get; }

    public string Token { get; }

    /// <summary>The link that logs a browser in once and leaves it on the dashboard.</summary>
    public Uri LoginLink => new(Address, $"{DashboardAuth.Path}/login?token={Token}");

    public static async Task<ClusterDashboardHost> StartAsync(IDashboardSource source, int port, TimeProvider time, CancellationToken ct)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var login = new DashboardLogin(token,
            "Open the link <code>kubectl canaria dashboard</code> printed (it logs you in), or enter the token in it here. " +
            "The browser then keeps a session cookie; every request goes to the cluster as the kubeconfig's user.",
            "log in to the dashboard first (open the link the dashboard command printed)",
            "That is not this dashboard's token (it changes every time the dashboard command starts).",
            LinkLogin: true);
        app.MapDashboard(source, new DashboardSessions(time), login, time);
        await app.StartAsync(ct).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ClusterDashboardHost(app, new Uri(bound), token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
