using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>gRPC through the HTTP/2 fast path with real gRPC backends: exact splits, rules, stickiness, concurrency.</summary>
public sealed class Http2FastPathRoutingTests
{
    [Fact]
    public async Task UnaryAndServerStreaming_Weights90To10_SplitExactlyOnTheFastPath()
    {
        await using var stable = await GrpcBackend.StartAsync("stable");
        await using var canary = await GrpcBackend.StartAsync("canary");
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(stable.Address, 90, canary.Address, 10));
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();

        var replies = new List<string>();
        for (var i = 0; i < 100; i++) replies.Add(await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x"));
        var streamed = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            using var call = invoker.AsyncServerStreamingCall(EchoGrpc.Count, null, new CallOptions(), "3");
            await foreach (var item in call.ResponseStream.ReadAllAsync()) streamed.Add(item);
            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        }

        Assert.Equal(10, replies.Count(r => r == "canary:x"));
        Assert.Equal(30, streamed.Count(r => r.StartsWith("canary:", StringComparison.Ordinal)));
        Assert.Equal(300, streamed.Count);
        Assert.Equal((180, 20), (stable.Calls, canary.Calls));
        Assert.Equal((200L, 0L), (gw.Host.FastPath!.Http2Counters.Fast, gw.Host.FastPath.Http2Counters.FullPath));
        var canarySignals = gw.Runtime.Signals.Query("echo", "canary", TimeSpan.FromMinutes(1));
        Assert.Equal((20, 0), (canarySignals.Requests, canarySignals.Failures));
        Assert.Equal(180, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task HeaderRule_MatchingMetadata_RoutedToCanaryOthersByWeight()
    {
        await using var stable = await GrpcBackend.StartAsync("stable");
        await using var canary = await GrpcBackend.StartAsync("canary");
        var config = Http2Gateway.Grpc(stable.Address, 100, canary.Address, 0, s => s with
        {
            Rules = [new RuleConfig { Name = "beta", Version = "canary", Headers = [new() { Name = "x-user", Exact = "beta" }] }],
        });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("canary:b", await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(new Metadata { { "x-user", "beta" } }), "b"));
            Assert.Equal("stable:a", await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(new Metadata { { "x-user", "alpha" } }), "a"));
        }

        Assert.Equal(20, gw.Host.FastPath!.Http2Counters.Fast);
    }

    [Fact]
    public async Task StickyCookie_CanaryPickedByWeight_SetCookieThenPinned()
    {
        await using var stable = await GrpcBackend.StartAsync("stable");
        await using var canary = await GrpcBackend.StartAsync("canary");
        var config = Http2Gateway.Grpc(stable.Address, 50, canary.Address, 50, s => s with { Sticky = new StickyConfig { Enabled = true } });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();

        string? cookie = null;
        for (var i = 0; i < 4 && cookie is null; i++)
        {
            using var call = invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x");
            var headers = await call.ResponseHeadersAsync;
            var reply = await call;
            var setCookie = headers.GetValue("set-cookie");
            Assert.Equal(reply.StartsWith("canary:", StringComparison.Ordinal), setCookie is not null);
            Assert.Equal(reply.Split(':')[0], headers.GetValue("x-canaria-version"));
            cookie ??= setCookie;
        }

        Assert.StartsWith("canaria-version=canary;", cookie);
        var pinned = new Metadata { { "cookie", cookie!.Split(';')[0] } };
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("canary:p", await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(pinned), "p"));
        }
    }

    [Fact]
    public async Task ManyConcurrentCalls_OneClientConnection_AllSucceedOverPooledUpstreams()
    {
        await using var stable = await GrpcBackend.StartAsync("stable");
        await using var canary = await GrpcBackend.StartAsync("canary");
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(stable.Address, 50, canary.Address, 50));
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();

        var calls = Enumerable.Range(0, 1000).Select(async i => await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var replies = await Task.WhenAll(calls);

        Assert.Equal(1000, replies.Distinct().Count());
        Assert.Equal((500, 500), (stable.Calls, canary.Calls));
        Assert.Equal(1000, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Requests + gw.Runtime.Signals.Query("echo", "canary", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task H2cClient_ServiceWithHttp1Upstream_ServedViaFullPath()
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx => ctx.Response.WriteAsync($"{ctx.Request.Protocol} {ctx.Request.Headers["X-Forwarded-For"]}"));
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = gw.Client.BaseAddress };

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(System.Net.HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/1.1 127.0.0.1", await response.Content.ReadAsStringAsync());
        Assert.Equal("v1", response.Headers.GetValues("x-canaria-version").Single());
        Assert.Equal((0L, 1L), (gw.Host.FastPath!.Http2Counters.Fast, gw.Host.FastPath.Http2Counters.FullPath));
        Assert.Equal(1, gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Requests); // counted once, by Kestrel
    }

    [Fact]
    public async Task KestrelSwitch_Http2FastPathOff_WholeConnectionHandedToKestrel()
    {
        await using var v1 = await GrpcBackend.StartAsync("stable");
        var config = Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0);
        config = config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http1AndHttp2 }] };
        var options = new Canaria.Gateway.Hosting.GatewayHostOptions { InitialConfig = config, Http2FastPath = false, AdminToken = GatewayTestHost.Token };
        await using var host = await Canaria.Gateway.Hosting.GatewayHost.StartAsync(options, CancellationToken.None);
        using var handler = new SocketsHttpHandler();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(host.ListenerAddresses["main"], new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler });

        Assert.Equal("stable:k", await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "k"));
        Assert.Equal(0L, host.FastPath!.Http2Counters.Fast + host.FastPath.Http2Counters.FullPath);
    }
}
