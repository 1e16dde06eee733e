using System.Net;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Routing;

public sealed class WeightedRoutingTests
{
    [Fact]
    public async Task Split_NinetyTen_TwentyThousandConcurrentRequestsLandExactly()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 90, v2.Address, 10));

        var (byVersion, byStatus) = await gw.SendManyAsync(20_000);

        Assert.Equal(20_000, byStatus[HttpStatusCode.OK]);
        Assert.Equal(20_000, v1.Hits + v2.Hits);
        Assert.Equal(v2.Hits, byVersion["v2"]);
        Assert.Equal(2_000, v2.Hits);
    }

    [Fact]
    public async Task Split_ZeroToOne_SendsNothingToZeroWeightVersion()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 0, v2.Address, 1));

        var (byVersion, _) = await gw.SendManyAsync(2_000);

        Assert.Equal(0, v1.Hits);
        Assert.Equal(2_000, v2.Hits);
        Assert.False(byVersion.ContainsKey("v1"));
    }

    [Fact]
    public async Task Split_FiveHundredEach_SplitsExactlyEvenly()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 500, v2.Address, 500));

        await gw.SendManyAsync(20_000);

        Assert.Equal(20_000, v1.Hits + v2.Hits);
        Assert.Equal(10_000, v1.Hits);
    }

    [Fact]
    public async Task Split_AllWeightsZero_Answers503AndCountsUnrouted()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 0, v2.Address, 0));

        using var response = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, v1.Hits + v2.Hits);
        var unrouted = gw.Runtime.Signals.Query("shop", Canaria.Gateway.Metrics.GoldenSignals.UnroutedVersion, TimeSpan.FromSeconds(10));
        Assert.Equal(1, unrouted.Failures);
    }

    [Fact]
    public async Task Split_WeightedVersionWithoutEndpoints_Answers503()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 0, "127.0.0.1:1", 100);
        config = config with { Services = [config.Services[0] with { Versions = [config.Services[0].Versions[0], config.Services[0].Versions[1] with { Endpoints = [] }] }] };
        await using var gw = await GatewayTestHost.StartAsync(config);

        using var response = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, v1.Hits);
    }

    [Fact]
    public async Task Match_HostAndLongestPathPrefix_PicksTheRightService()
    {
        await using var api = await TestBackend.StartAsync("api");
        await using var web = await TestBackend.StartAsync("web");
        var config = new Canaria.Gateway.Config.GatewayConfig
        {
            Listeners = [new() { Name = "main", Address = "127.0.0.1:0" }],
            Services =
            [
                new() { Name = "web", Hosts = ["shop.example"], Versions = [new() { Name = "v1", Weight = 1, Endpoints = [web.Address] }] },
                new() { Name = "api", Hosts = ["*.example"], PathPrefix = "/api", Versions = [new() { Name = "v1", Weight = 1, Endpoints = [api.Address] }] },
            ],
        };
        await using var gw = await GatewayTestHost.StartAsync(config);

        async Task<string> Get(string host, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await gw.Client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString();
        }

        Assert.Equal("api", await Get("shop.example", "/api/items"));
        Assert.Equal("web", await Get("shop.example:8080", "/index.html"));
        Assert.Equal("api", await Get("x.example", "/api"));
        Assert.Equal("404", await Get("other.test", "/"));
    }
}
