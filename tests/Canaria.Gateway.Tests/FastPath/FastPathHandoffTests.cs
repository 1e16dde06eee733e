using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// Where the fast path and the Kestrel path meet: requests the fast path hands to its listener's Kestrel server
/// (services with HTTP/2 upstreams, h2c and gRPC clients), which listeners each engine serves, and what a bound
/// fast-path listener refuses to change.
/// </summary>
public sealed class FastPathHandoffTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Handoff_Http1ClientToHttp2Service_ServedOverH2cAndCountedOnce()
    {
        await using var h2 = await TestBackend.StartAsync("h2", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol), http2Only: true);
        var config = Configs.TwoVersions(h2.Address, 1, h2.Address, 0, s => s with { Versions = [.. s.Versions.Select(v => v with { Protocol = UpstreamProtocol.Http2 })] });
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);

        for (var i = 0; i < 5; i++)
        {
            using var response = await gw.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version11, response.Version);
            Assert.Equal("HTTP/2", await response.Content.ReadAsStringAsync());
            Assert.Equal("v1", response.Headers.GetValues("x-canaria-version").Single());
        }

        // Kestrel chose the version and recorded the request; the fast path, which handed it over, did neither.
        Assert.Equal(5, gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Requests);
        Assert.Equal(5, h2.Hits);
    }

    [Fact]
    public async Task Handoff_ClientFromAnotherAddress_BackendSeesThatAddressInXForwardedFor()
    {
        await using var h2 = await TestBackend.StartAsync("h2", ctx => ctx.Response.WriteAsync($"[{ctx.Request.Headers["X-Forwarded-For"]}]"), http2Only: true);
        var config = Configs.TwoVersions(h2.Address, 1, h2.Address, 0, s => s with { Versions = [.. s.Versions.Select(v => v with { Protocol = UpstreamProtocol.Http2 })] });
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);

        // 127.0.0.2 is loopback too, but not the address the fast path uses for its own connection to Kestrel.
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"], IPAddress.Parse("127.0.0.2"));
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var first = await client.ReadResponseAsync(Patience);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 10.0.0.9\r\nConnection: close\r\n\r\n");
        var second = await client.ReadToEndAsync(Patience);

        Assert.StartsWith("HTTP/1.1 200", first);
        Assert.Contains("[127.0.0.2]", first);
        Assert.StartsWith("HTTP/1.1 200", second);
        Assert.Contains("[10.0.0.9, 127.0.0.2]", second);
        Assert.Equal(2, h2.Hits);
    }

    [Fact]
    public async Task Handoff_ServiceTurnsHttp2UnderLiveKeepAliveConnection_NextRequestServedByKestrel()
    {
        await using var h1 = await TestBackend.StartAsync("h1", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol));
        await using var h2 = await TestBackend.StartAsync("h2", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol), http2Only: true);
        var config = Configs.TwoVersions(h1.Address, 1, h1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var before = await client.ReadResponseAsync(Patience);

        var http2 = config.Services[0] with { Versions = [config.Services[0].Versions[0] with { Endpoints = [h2.Address], Protocol = UpstreamProtocol.Http2 }, config.Services[0].Versions[1]] };
        Assert.True(gw.Runtime.Apply(config with { Services = [http2] }).Accepted);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var during = await client.ReadResponseAsync(Patience);
        Assert.True(gw.Runtime.Apply(config).Accepted);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var after = await client.ReadResponseAsync(Patience);

        Assert.StartsWith("HTTP/1.1 200", before);
        Assert.EndsWith("HTTP/1.1\r\n0\r\n\r\n", before);
        Assert.StartsWith("HTTP/1.1 200", during);
        Assert.EndsWith("HTTP/2\r\n0\r\n\r\n", during);
        Assert.StartsWith("HTTP/1.1 200", after);
        Assert.EndsWith("HTTP/1.1\r\n0\r\n\r\n", after);
        Assert.Equal(3, gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task Handoff_GrpcClientOnFastPathListener_CallsServedOverHttp2AndCounted()
    {
        await using var v1 = await GrpcBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 100, v1.Address, 0, s => s with { Name = "echo", Grpc = new GrpcConfig() });
        Assert.Equal(ListenerProtocols.Http1AndHttp2, config.Listeners[0].Protocols);
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
        using var channel = GrpcChannel.ForAddress(gw.Client.BaseAddress!, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });
        var invoker = channel.CreateCallInvoker();

        var replies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add(await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), $"hi{i}"));
        }

        Assert.Equal(["v1:hi0", "v1:hi1", "v1:hi2"], replies);
        Assert.Equal("HTTP/2", v1.LastProtocol);
        var signals = gw.Runtime.Signals.Query("echo", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal(3, signals.Requests);
        Assert.Equal(0, signals.Failures);
    }

    [Fact]
    public async Task KestrelEngine_CleartextHttp1AndHttp2_RefusesH2cPriorKnowledgeWhichTheFastPathServes()
    {
        // Kestrel's Http1AndHttp2 without TLS speaks HTTP/1.1 only (h2c prior knowledge gets HTTP_1_1_REQUIRED), so the
        // fast path hands h2c to an HTTP/2-only Kestrel server and HTTP/1.1 requests to an HTTP/1.1 one.
        await using var v1 = await TestBackend.StartAsync("v1", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol));
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var kestrel = await GatewayTestHost.StartAsync(config, fastPath: false);
        await using var fast = await GatewayTestHost.StartAsync(config, fastPath: true);

        using var h1 = await kestrel.Client.GetAsync("/");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => kestrel.Client.SendAsync(H2cGet()));
        using var h2 = await fast.Client.SendAsync(H2cGet());

        Assert.Equal("HTTP/1.1", await h1.Content.ReadAsStringAsync());
        Assert.Contains("HTTP_1_1_REQUIRED", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal("HTTP/1.1", await h2.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListenerChange_ProtocolsChangedOnBoundFastPathListener_RejectedAndOldStays()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
        var bound = gw.Host.ListenerAddresses["main"];

        var changed = gw.Runtime.Apply(config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }] });

        Assert.False(changed.Accepted);
        Assert.Contains(changed.Errors, e => e.Field == "listeners[0].protocols");
        Assert.Equal(bound, gw.Host.ListenerAddresses["main"]);
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Engine_Http2OnlyListenerWithFastPathOn_ServedByKestrelOverH2c()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }] }, fastPath: true);
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var refused = await client.ReadToEndAsync(Patience);

        // An HTTP/2-only listener answers HTTP/1.1 as Kestrel's HTTP/2-only endpoint does (the fast path serves its h2c
        // connections and hands anything else there): no HTTP/1.1 answer.
        Assert.DoesNotContain("HTTP/1.1 200", refused);
        Assert.Equal(0, v1.Hits);
    }

    private static HttpRequestMessage H2cGet() => new(HttpMethod.Get, "/") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
}
