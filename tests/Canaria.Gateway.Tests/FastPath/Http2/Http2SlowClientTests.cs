using System.Buffers.Binary;
using Canaria.Gateway.FastPath.Http2;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// Clients that read slowly, not at all, or give up on answers the gateway still holds (a hand-driven client, since a real
/// one cannot be stopped mid-read on purpose): the upstream connection they share with others must keep serving the
/// others, and their own connection must live as long as they follow the protocol.
/// </summary>
public sealed class Http2SlowClientTests
{
    private const string Say = "/canaria.test.Echo/Say";

    [Fact]
    public async Task ClientResets_StreamsWithBufferedResponses_SharedUpstreamStillServesOthers()
    {
        await using var setup = await FloodSetup.StartAsync();
        var (gw, client) = (setup.Gateway, setup.Client);
        var rst = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rst, (uint)Http2ErrorCode.Cancel);

        // Each stream fills its window in the gateway (the client reads nothing), then the client resets it: more in all
        // than the upstream connection's window, so only what the gateway gives back on the reset keeps it open.
        for (var i = 0; i < 24; i++)
        {
            var id = i * 2 + 1;
            await setup.OpenFloodAsync(id);
            await setup.UntilStalledAsync();
            await client.SendFrameAsync(Http2Wire.RstStream, 0, id, rst);
        }

        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task ClientNeverReads_ManyStreams_SharedUpstreamStillServesOthers()
    {
        await using var setup = await FloodSetup.StartAsync();
        var (gw, client) = (setup.Gateway, setup.Client);

        // 24 streams x a 64 KiB stream window held for a client that reads none of it: more than 1 MiB.
        for (var i = 0; i < 24; i++) await setup.OpenFloodAsync(i * 2 + 1);

        var stalled = await setup.UntilStalledAsync();

        // Bounded by the stream windows: the gateway's 64 KiB each, plus what Kestrel buffers per stream on its side.
        Assert.True(stalled * 1005 <= 24L * 3 * Http2Wire.StreamWindow, $"the upstream wrote {stalled} messages of 1000 bytes for a client that reads none");
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Ping_WhileResponseBacklogAbove64K_AckedConnectionKept()
    {
        await using var setup = await FloodSetup.StartAsync(largestWindows: true);
        var client = setup.Client;
        await setup.OpenFloodAsync(1);
        await setup.UntilStalledAsync(); // a download the client is slow to read

        await client.SendFrameAsync(Http2Wire.Ping, 0, 0, new byte[8]); // one keepalive (grpc-dotnet and grpc-go send them)
        while (await client.ReadFrameAsync(TimeSpan.FromSeconds(20)) is { } frame)
        {
            Assert.False(frame.Type == Http2Wire.GoAway, $"GOAWAY {(frame.Payload.Length >= 8 ? (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4)) : Http2ErrorCode.NoError)} after one PING");
            if (frame.Type == Http2Wire.Ping) return;
        }

        Assert.Fail("the connection closed before the PING was acknowledged");
    }

    /// <summary>A flooding backend (<see cref="Http2Gateway.FloodBackendAsync"/>), a gateway in front of it and a hand-driven client.</summary>
    private sealed class FloodSetup : IAsyncDisposable
    {
        private long _written;

        public required TestBackend Backend { get; init; }

        public required GatewayTestHost Gateway { get; init; }

        public required RawH2Client Client { get; init; }

        /// <param name="largestWindows">The client grants the largest windows (it can take a whole flood in the gateway's view).</param>
        public static async Task<FloodSetup> StartAsync(bool largestWindows = false)
        {
            FloodSetup? setup = null;
            var backend = await Http2Gateway.FloodBackendAsync(1000, 100_000, () => Interlocked.Increment(ref setup!._written));
            var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(backend.Address, 1, backend.Address, 0));
            var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw), sendSettings: !largestWindows);
            if (largestWindows) await client.GrantLargestWindowsAsync();
            return setup = new FloodSetup { Backend = backend, Gateway = gw, Client = client };
        }

        /// <summary>Opens stream <paramref name="id"/> as a call the backend answers with its flood.</summary>
        public async Task OpenFloodAsync(int id)
        {
            await Client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, id, Client.Block(Say, extra: ("x-flood", "1")));
            await Client.SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, id, RawH2Client.GrpcMessage("x"));
        }

        /// <summary>Waits until the backend's writes stop (the windows are full); returns the messages written.</summary>
        public Task<long> UntilStalledAsync() => Http2Gateway.UntilStalledAsync(() => Interlocked.Read(ref _written), "the upstream's writes to stall");

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Gateway.DisposeAsync();
            await Backend.DisposeAsync();
        }
    }

    /// <summary>A well-behaved gRPC client on its own connection (sharing the upstream connection) is served within 5 s.</summary>
    private static async Task AssertOthersServedAsync(GatewayTestHost gw)
    {
        using var channel = Http2Gateway.Channel(gw);
        Assert.Equal("stable:ok", await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5)), "ok"));
    }
}
