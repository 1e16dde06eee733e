using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;

namespace Canaria.Gateway.Tests.Support;

/// <summary>Starts a real gateway host on 127.0.0.1:0 with an admin API and a client pointed at listener "main".</summary>
internal sealed class GatewayTestHost : IAsyncDisposable
{
    public const string Token = "test-token-123";

    private GatewayTestHost(GatewayHost host)
    {
        Host = host;
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = host.ListenerAddresses["main"],
            Timeout = TimeSpan.FromSeconds(30),
        };
        Admin = new HttpClient { BaseAddress = host.AdminAddress };
        Admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    public GatewayHost Host { get; }

    public GatewayRuntime Runtime => Host.Runtime;

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    /// <param name="fastPath">Which listener engine serves plain HTTP; null = the gateway's default.</param>
    /// <param name="time">The gateway's clock; null = the system's.</param>
    public static async Task<GatewayTestHost> StartAsync(GatewayConfig config, string? configFile = null, bool? fastPath = null, TimeProvider? time = null)
    {
        var options = new GatewayHostOptions { InitialConfig = config, AdminToken = Token, ConfigFilePath = configFile, Time = time ?? TimeProvider.System };
        var host = await GatewayHost.StartAsync(fastPath is { } fast ? options with { FastPath = fast } : options, CancellationToken.None);
        return new GatewayTestHost(host);
    }

    /// <summary>Sends <paramref name="total"/> GETs with <paramref name="concurrency"/> workers; returns the count per served version (x-canaria-version) and per status.</summary>
    public async Task<(Dictionary<string, int> ByVersion, Dictionary<HttpStatusCode, int> ByStatus)> SendManyAsync(int total, int concurrency = 8, Func<HttpRequestMessage>? make = null)
    {
        var byVersion = new Dictionary<string, int>();
        var byStatus = new Dictionary<HttpStatusCode, int>();
        var next = 0;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                using var request = make?.Invoke() ?? new HttpRequestMessage(HttpMethod.Get, "/");
                using var response = await Client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                var version = response.Headers.TryGetValues("x-canaria-version", out var v) ? v.First() : "(none)";
                lock (byVersion)
                {
                    byVersion[version] = byVersion.GetValueOrDefault(version) + 1;
                    byStatus[response.StatusCode] = byStatus.GetValueOrDefault(response.StatusCode) + 1;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        return (byVersion, byStatus);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await Host.DisposeAsync();
    }
}
