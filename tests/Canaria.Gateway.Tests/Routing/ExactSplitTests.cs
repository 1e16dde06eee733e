using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Routing;

/// <summary>The weighted split is exact at small counts, through a real gateway, and rules and stickiness still win.</summary>
public sealed class ExactSplitTests
{
    [Fact]
    public async Task Split_NinetyTenTwoHundredRequests_ExactlyTwentyToCanary()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 90, v2.Address, 10));

        var (byVersion, byStatus) = await gw.SendManyAsync(200);

        Assert.Equal(200, byStatus[HttpStatusCode.OK]);
        Assert.Equal(20, v2.Hits);
        Assert.Equal(180, v1.Hits);
        Assert.Equal(20, byVersion["v2"]);
    }

    [Fact]
    public async Task Split_RuleAndStickyTrafficMixedIn_WeightedRequestsStillSplitExactly()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 90, v2.Address, 10, s => s with
        {
            Rules = [new RuleConfig { Name = "testers", Version = "v2", Headers = [new StringMatchConfig { Name = "x-tester", Exact = "yes" }] }],
            Sticky = new StickyConfig { Enabled = true, CookieName = "canary" },
        });
        await using var gw = await GatewayTestHost.StartAsync(config);
        var kind = 0;
        HttpRequestMessage Make()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/");
            switch (Interlocked.Increment(ref kind) % 3)
            {
                case 0:
                    request.Headers.Add("x-tester", "yes");
                    break;
                case 1:
                    request.Headers.Add("Cookie", "canary=v2");
                    break;
            }

            return request;
        }

        var (byVersion, _) = await gw.SendManyAsync(600, make: Make);

        // 200 by rule and 200 pinned by cookie all went to v2; of the 200 weighted ones exactly 20 did.
        Assert.Equal(420, byVersion["v2"]);
        Assert.Equal(180, byVersion["v1"]);
    }

    [Fact]
    public async Task Split_WeightsChanged_NewSplitIsExactFromTheChangeOn()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 90, v2.Address, 10);
        await using var gw = await GatewayTestHost.StartAsync(config);
        await gw.SendManyAsync(37);

        Assert.True(gw.Runtime.Apply(Configs.WithWeights(config, 50, 50)).Accepted);
        var (byVersion, _) = await gw.SendManyAsync(100);

        Assert.Equal(50, byVersion["v1"]);
        Assert.Equal(50, byVersion["v2"]);
    }

    [Fact]
    public async Task Split_CanaryEndpointUnreachable_StableTakesAllAndNothingFails()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 90, "127.0.0.1:1", 10, s => s with { Health = new HealthConfig { ConsecutiveFailures = 1 } });
        await using var gw = await GatewayTestHost.StartAsync(config);

        // The first canary pick fails to connect (502) and ejects its only endpoint; from then on v1 gets every request.
        var (_, first) = await gw.SendManyAsync(20, concurrency: 1);
        var (byVersion, byStatus) = await gw.SendManyAsync(200);

        Assert.Equal(1, first[HttpStatusCode.BadGateway]);
        Assert.Equal(200, byStatus[HttpStatusCode.OK]);
        Assert.Equal(200, byVersion["v1"]);
    }
}
