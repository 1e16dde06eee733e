using System.Diagnostics;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Routing;

public sealed class MirrorTests
{
    [Fact]
    public async Task Mirror_ThirtyPercent_MirrorGetsExactlyItsShareAndClientsOnlySeeV1()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 100, v2.Address, 0, s => s with { Mirror = new MirrorConfig { Version = "v2", Percent = 30 } });
        await using var gw = await GatewayTestHost.StartAsync(config);

        var (byVersion, _) = await gw.SendManyAsync(2_000);

        Assert.Equal(2_000, byVersion["v1"]);
        Assert.Equal(2_000, v1.Hits);
        await Wait.UntilAsync(
            () => v2.Hits > 0 && gw.Runtime.Signals.Query("shop", "v2/mirror", TimeSpan.FromMinutes(1)).Requests == v2.Hits,
            TimeSpan.FromSeconds(10),
            "every mirrored request to finish");
        Assert.Equal(600, v2.Hits);
    }

    [Fact]
    public async Task Mirror_SlowMirror_DoesNotDelayTheClient()
    {
        var release = new TaskCompletionSource();
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2", async ctx => await release.Task.WaitAsync(ctx.RequestAborted));
        var config = Configs.TwoVersions(v1.Address, 100, v2.Address, 0, s => s with { Mirror = new MirrorConfig { Version = "v2", Percent = 100 } });
        await using var gw = await GatewayTestHost.StartAsync(config);

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gw.Client.GetAsync("/");
            Assert.Equal("v1", await response.Content.ReadAsStringAsync());
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        await Wait.UntilAsync(() => v2.Hits == 20, TimeSpan.FromSeconds(10), "the mirror to receive all copies");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest client request took {slowest.TotalMilliseconds} ms while the mirror hung");
        release.SetResult();
    }
}
