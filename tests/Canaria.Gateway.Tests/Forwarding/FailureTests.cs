using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Forwarding;

public sealed class FailureTests
{
    private static GatewayConfig OneVersion(IReadOnlyList<string> endpoints, Func<ServiceConfig, ServiceConfig>? customize = null)
    {
        var service = new ServiceConfig
        {
            Name = "shop",
            Versions = [new VersionConfig { Name = "v1", Weight = 1, Endpoints = endpoints }],
            Health = new HealthConfig { ConsecutiveFailures = 2, EjectFor = TimeSpan.FromMinutes(1) },
        };
        return new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services = [customize is null ? service : customize(service)],
        };
    }

    [Fact]
    public async Task Forward_BackendDown_Answers502ThenEjectsTheEndpoint()
    {
        var dead = $"127.0.0.1:{Ports.Closed()}";
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([dead]));

        using var first = await gw.Client.GetAsync("/");
        using var second = await gw.Client.GetAsync("/");
        using var third = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, second.StatusCode);
        Assert.True(gw.Runtime.Snapshot.Services[0].Versions[0].Endpoints[0].IsEjected(TimeProvider.System.GetTimestamp()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromSeconds(10));
        Assert.Equal(2, signals.Failures);
    }

    [Fact]
    public async Task Forward_OneOfTwoEndpointsDown_FailsOverAndEjectsIt()
    {
        await using var live = await TestBackend.StartAsync("v1");
        var dead = $"127.0.0.1:{Ports.Closed()}";
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([dead, live.Address]));

        var (_, byStatus) = await gw.SendManyAsync(20, concurrency: 1);

        Assert.Equal(20, byStatus[HttpStatusCode.OK]);
        Assert.True(gw.Runtime.Snapshot.Services[0].Versions[0].Endpoints[0].IsEjected(TimeProvider.System.GetTimestamp()));
    }

    [Fact]
    public async Task Forward_SlowBackend_Answers504AndCancelsUpstream()
    {
        await using var slow = await TestBackend.StartAsync("v1", ctx => Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted));
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([slow.Address], s => s with { Timeouts = new TimeoutConfig { Request = TimeSpan.FromMilliseconds(300) } }));

        var watch = Stopwatch.StartNew();
        using var response = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => slow.Cancelled == 1, TimeSpan.FromSeconds(5), "the backend to see the cancellation");
        Assert.Equal(1, gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromSeconds(10)).Failures);
    }

    [Fact]
    public async Task Forward_ClientAborts_UpstreamCallIsCancelled()
    {
        await using var slow = await TestBackend.StartAsync("v1", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([slow.Address]));

        using var cts = new CancellationTokenSource();
        var call = gw.Client.GetAsync("/", cts.Token);
        await Wait.UntilAsync(() => slow.Hits == 1, TimeSpan.FromSeconds(5), "the request to reach the backend");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Wait.UntilAsync(() => slow.Cancelled == 1, TimeSpan.FromSeconds(5), "the backend to see the cancellation");
    }

    [Fact]
    public async Task Listener_OversizedHeaders_Answers431AndKeepsServing()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([v1.Address]));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Big", new string('a', 64 * 1024));
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(0, v1.Hits);
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Listener_MalformedRequest_Answers400AndKeepsServing()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(OneVersion([v1.Address]));
        var address = gw.Host.ListenerAddresses["main"];

        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(address.Host, address.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"));
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer);
            Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.Equal(0, v1.Hits);
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }
}
