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
        long written = 0;
        await using var v1 = await Http2Gateway.FloodBackendAsync(1000, 100_000, () => Interlocked.Increment(ref written));
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));
        var rst = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rst, (uint)Http2ErrorCode.Cancel);

        // Each stream fills its window in the gateway (the client reads nothing), then the client resets it: more in all
        // than the upstream connection's window, so only what the gateway gives back on the reset keeps it open.
        for (var i = 0; i < 24; i++)
        {
            var id = i * 2 + 1;
            await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, id, client.Block(Say, extra: ("x-flood", "1")));
            await client.SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, id, RawH2Client.GrpcMessage("x"));
            await Http2Gateway.UntilStalledAsync(() => Interlocked.Read(ref written), "the upstream's writes to stall");
            await client.SendFrameAsync(Http2Wire.RstStream, 0, id, rst);
        }

        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task ClientNeverReads_ManyStreams_SharedUpstreamStillServesOthers()
    {
        long written = 0;
        await using var v1 = await Http2Gateway.FloodBackendAsync(1000, 100_000, () => Interlocked.Increment(ref written));
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));

        // 24 streams x a 64 KiB stream window held for a client that reads none of it: more than 1 MiB.
        for (var i = 0; i < 24; i++)
        {
            var id = i * 2 + 1;
            await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, id, client.Block(Say, extra: ("x-flood", "1")));
            await client.SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, id, RawH2Client.GrpcMessage("x"));
        }

        var stalled = await Http2Gateway.UntilStalledAsync(() => Interlocked.Read(ref written), "the upstream's writes to stall");

        // Bounded by the stream windows: the gateway's 64 KiB each, plus what Kestrel buffers per stream on its side.
        Assert.True(stalled * 1005 <= 24L * 3 * Http2Wire.StreamWindow, $"the upstream wrote {stalled} messages of 1000 bytes for a client that reads none");
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Ping_WhileResponseBacklogAbove64K_AckedConnectionKept()
    {
        long written = 0;
        await using var v1 = await Http2Gateway.FloodBackendAsync(1000, 100_000, () => Interlocked.Increment(ref written));
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw), sendSettings: false);
        var settings = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(settings, Http2Wire.SettingsInitialWindowSize);
        BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), int.MaxValue);
        await client.SendFrameAsync(Http2Wire.Settings, 0, 0, settings);
        var increment = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(increment, int.MaxValue - 65535);
        await client.SendFrameAsync(Http2Wire.WindowUpdate, 0, 0, increment);
        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, 1, client.Block(Say, extra: ("x-flood", "1")));
        await client.SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, 1, RawH2Client.GrpcMessage("x"));
        await Http2Gateway.UntilStalledAsync(() => Interlocked.Read(ref written), "the upstream's writes to stall"); // a download the client is slow to read

        await client.SendFrameAsync(Http2Wire.Ping, 0, 0, new byte[8]); // one keepalive (grpc-dotnet and grpc-go send them)
        while (await client.ReadFrameAsync(TimeSpan.FromSeconds(20)) is { } frame)
        {
            Assert.False(frame.Type == Http2Wire.GoAway, $"GOAWAY {(frame.Payload.Length >= 8 ? (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4)) : Http2ErrorCode.NoError)} after one PING");
            if (frame.Type == Http2Wire.Ping) return;
        }

        Assert.Fail("the connection closed before the PING was acknowledged");
    }

    /// <summary>A well-behaved gRPC client on its own connection (sharing the upstream connection) is served within 5 s.</summary>
    private static async Task AssertOthersServedAsync(GatewayTestHost gw)
    {
        using var channel = Http2Gateway.Channel(gw);
        Assert.Equal("stable:ok", await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5)), "ok"));
    }
}
