using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Forwarding;

public sealed class HealthTests
{
    [Fact]
    public async Task ActiveProbe_EndpointFailsProbe_TakenOutUntilItRecovers()
    {
        var healthy = true;
        var pages = 0;
        await using var sick = await TestBackend.StartAsync("sick", async ctx =>
        {
            if (ctx.Request.Path != "/healthz")
            {
                Interlocked.Increment(ref pages);
            }

            ctx.Response.StatusCode = ctx.Request.Path == "/healthz" && !Volatile.Read(ref healthy) ? 503 : 200;
            await ctx.Response.WriteAsync("sick");
        });
        await using var good = await TestBackend.StartAsync("good");
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services =
            [
                new ServiceConfig
                {
                    Name = "shop",
                    Versions = [new VersionConfig { Name = "v1", Weight = 1, Endpoints = [sick.Address, good.Address] }],
                    Health = new HealthConfig { ActiveProbe = new ActiveProbeConfig { Path = "/healthz", Interval = TimeSpan.FromMilliseconds(100) } },
                },
            ],
        };
        await using var gw = await GatewayTestHost.StartAsync(config);
        var sickState = gw.Runtime.Snapshot.Services[0].Versions[0].Endpoints[0];

        Volatile.Write(ref healthy, false);
        await Wait.UntilAsync(() => sickState.ProbeDown, TimeSpan.FromSeconds(5), "the probe to mark the endpoint down");
        var pagesBefore = Volatile.Read(ref pages);
        var (byVersion, byStatus) = await gw.SendManyAsync(20, concurrency: 1, make: () => new HttpRequestMessage(HttpMethod.Get, "/page"));
        Assert.Equal(20, byStatus[HttpStatusCode.OK]);
        Assert.Equal(pagesBefore, Volatile.Read(ref pages));

        Volatile.Write(ref healthy, true);
        await Wait.UntilAsync(() => !sickState.ProbeDown, TimeSpan.FromSeconds(5), "the probe to bring the endpoint back");
        await gw.SendManyAsync(20, concurrency: 1, make: () => new HttpRequestMessage(HttpMethod.Get, "/page"));
        Assert.True(Volatile.Read(ref pages) - pagesBefore >= 5, "the recovered endpoint should serve again");
        Assert.Equal(20, byVersion["v1"]);
    }

    [Fact]
    public async Task LeastRequests_OneEndpointBusy_NewRequestsGoToTheIdleOne()
    {
        var release = new TaskCompletionSource();
        await using var busy = await TestBackend.StartAsync("busy", ctx => release.Task.WaitAsync(ctx.RequestAborted));
        await using var idle = await TestBackend.StartAsync("idle");
        var config = new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services =
            [
                new ServiceConfig
                {
                    Name = "shop",
                    Versions = [new VersionConfig { Name = "v1", Weight = 1, Endpoints = [busy.Address, idle.Address], Balancing = BalancingPolicy.LeastRequests }],
                },
            ],
        };
        await using var gw = await GatewayTestHost.StartAsync(config);

        var stuck = new List<Task<HttpResponseMessage>>();
        while (busy.Hits == 0)
        {
            stuck.Add(gw.Client.GetAsync("/"));
            await Wait.UntilAsync(() => busy.Hits + idle.Hits >= stuck.Count, TimeSpan.FromSeconds(5), "the request to reach a backend");
        }

        var idleBefore = idle.Hits;
        await gw.SendManyAsync(20, concurrency: 1);
        Assert.Equal(20, idle.Hits - idleBefore);
        Assert.Equal(1, busy.Hits);
        release.SetResult();
        foreach (var response in await Task.WhenAll(stuck))
        {
            response.Dispose();
        }
    }
}
