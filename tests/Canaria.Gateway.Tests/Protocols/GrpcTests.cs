using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace Canaria.Gateway.Tests.Protocols;

/// <summary>gRPC end to end through the gateway: h2c in, HTTP/2 upstream, trailers, streaming, deadlines, and gRPC-aware signals.</summary>
public sealed class GrpcTests
{
    [Fact]
    public async Task Grpc_UnaryAndServerStreaming_RelayedWithTrailersOverHttp2()
    {
        await using var v1 = await GrpcBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(GrpcConfig(v1.Address, 100, v1.Address, 0));
        using var channel = Channel(gw);
        var invoker = channel.CreateCallInvoker();

        var reply = await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "hi");
        using var stream = invoker.AsyncServerStreamingCall(EchoGrpc.Count, null, new CallOptions(), "5");
        var items = new List<string>();
        await foreach (var item in stream.ResponseStream.ReadAllAsync())
        {
            items.Add(item);
        }

        Assert.Equal("v1:hi", reply);
        Assert.Equal(["v1:1", "v1:2", "v1:3", "v1:4", "v1:5"], items);
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
        Assert.Equal("HTTP/2", v1.LastProtocol);
        var signals = gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1));
        Assert.Equal(2, signals.Requests);
        Assert.Equal(0, signals.Failures);
    }

    [Fact]
    public async Task Grpc_CanaryFailsWithUnavailable_CountedAsCanaryFailuresOnly()
    {
        await using var stable = await GrpcBackend.StartAsync("stable");
        await using var canary = await GrpcBackend.StartAsync("canary");
        canary.FailEvery = 2;
        await using var gw = await GatewayTestHost.StartAsync(GrpcConfig(stable.Address, 90, canary.Address, 10));
        using var channel = Channel(gw);
        var invoker = channel.CreateCallInvoker();

        var failed = 0;
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                failed++;
            }
        }

        Assert.Equal(20, canary.Calls);
        Assert.Equal(10, failed);
        var canarySignals = gw.Runtime.Signals.Query("echo", "canary", TimeSpan.FromMinutes(1));
        var stableSignals = gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1));
        Assert.Equal((20, 10), (canarySignals.Requests, canarySignals.Failures));
        Assert.Equal((180, 0), (stableSignals.Requests, stableSignals.Failures));
        Assert.Equal(10, gw.Runtime.Signals.Totals("echo", "canary").Classes[5]);
    }

    [Fact]
    public async Task Grpc_ClientSideCodeByDefaultOrConfiguredAsFailure_CountsAsConfigured()
    {
        await using var v1 = await GrpcBackend.StartAsync("v1");
        v1.FailEvery = 1;
        v1.FailWith = StatusCode.NotFound;
        var config = GrpcConfig(v1.Address, 100, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Channel(gw);
        var invoker = channel.CreateCallInvoker();

        await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x"));
        Assert.Equal(0, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Failures);

        var strict = config with { Services = [config.Services[0] with { Grpc = new Canaria.Gateway.Config.GrpcConfig { FailureCodes = ["NOT_FOUND", "14"] } }] };
        Assert.True(gw.Runtime.Apply(strict).Accepted);
        await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x"));

        var signals = gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1));
        Assert.Equal((2, 1), (signals.Requests, signals.Failures));
    }

    [Fact]
    public async Task Grpc_ThousandsOfConcurrentUnaryCalls_AllSucceedOverPooledHttp2Streams()
    {
        await using var v1 = await GrpcBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(GrpcConfig(v1.Address, 100, v1.Address, 0));
        using var channel = Channel(gw);
        var invoker = channel.CreateCallInvoker();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                try
                {
                    await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), $"{worker}-{i}");
                }
                catch (RpcException e)
                {
                    failures.Enqueue($"{e.StatusCode}: {e.Status.Detail}");
                }
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} calls failed, e.g. {string.Join("; ", failures.Take(3))}");
        Assert.Equal(4_000, v1.Calls);
        Assert.Equal(4_000, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task Grpc_DeadlineSetByClient_ReachesTheBackend()
    {
        await using var v1 = await GrpcBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(GrpcConfig(v1.Address, 100, v1.Address, 0));
        using var channel = Channel(gw);
        var deadline = DateTime.UtcNow.AddSeconds(30);

        await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(deadline: deadline), "x");

        Assert.InRange(v1.LastDeadline, deadline.AddSeconds(-5), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task Grpc_NoEndpointReachable_ClientGetsUnavailableFromTheGateway()
    {
        await using var gw = await GatewayTestHost.StartAsync(GrpcConfig("127.0.0.1:1", 100, "127.0.0.1:2", 0));
        using var channel = Channel(gw);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("canaria gateway:", error.Status.Detail);
    }

    [Fact]
    public void Validate_UnknownGrpcFailureCode_RejectedWithItsPath()
    {
        var config = GrpcConfig("127.0.0.1:10", 1, "127.0.0.1:11", 0);
        config = config with { Services = [config.Services[0] with { Grpc = new Canaria.Gateway.Config.GrpcConfig { FailureCodes = ["UNAVAILABLE", "SOMETIMES", "OK"] } }] };

        var errors = GatewayConfigValidator.Validate(config);

        Assert.Equal(["services[0].grpc.failureCodes[1]", "services[0].grpc.failureCodes[2]"], errors.Select(e => e.Field));
    }

    private static GrpcChannel Channel(GatewayTestHost gw) => GrpcChannel.ForAddress(gw.Client.BaseAddress!, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });

    private static GatewayConfig GrpcConfig(string stable, int w1, string canary, int w2)
    {
        var config = Configs.TwoVersions(stable, w1, canary, w2, s => s with { Name = "echo", Grpc = new Canaria.Gateway.Config.GrpcConfig() });
        var versions = config.Services[0].Versions;
        return config with
        {
            Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }],
            Services = [config.Services[0] with { Versions = [versions[0] with { Name = "stable" }, versions[1] with { Name = "canary" }] }],
        };
    }
}
