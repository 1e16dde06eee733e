using System.Buffers.Binary;
using Canaria.Gateway.FastPath.Http2;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>How the HTTP/2 loop ends connections on its own: an idle keep-alive that ran out, a drain (handover).</summary>
public sealed class Http2ConnectionLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task IdleKeepAliveRunsOut_SkewedClock_GoAwayBeforeClose()
    {
        // The gateway's clock is moved on past the 130 s keep-alive (its timers stay real): a fake clock, since waiting
        // two minutes is no test.
        var clock = new SkewedClock();
        await using var v1 = await GrpcBackend.StartAsync("stable");
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0), time: clock);
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));
        await client.SendUnaryAsync(1, "/canaria.test.Echo/Say", "x");
        RawFrame? frame;
        while ((frame = await client.ReadFrameAsync(Patience)) is not null && !(frame.StreamId == 1 && (frame.Flags & Http2Wire.EndStream) != 0)) { }
        Assert.NotNull(frame); // answered: the connection is idle from now

        clock.Skew = TimeSpan.FromSeconds(131);
        var frames = new List<RawFrame>();
        while (await client.ReadFrameAsync(Patience) is { } next) frames.Add(next);

        var goAway = Assert.Single(frames, f => f.Type == Http2Wire.GoAway);
        Assert.Equal((1, Http2ErrorCode.NoError), (BinaryPrimitives.ReadInt32BigEndian(goAway.Payload) & int.MaxValue, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAway.Payload.AsSpan(4))));
    }

    [Fact]
    public async Task AcceptedWhileDraining_SettingsFirstThenGoAway()
    {
        await using var v1 = await GrpcBackend.StartAsync("stable");
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw), sendPreface: false);
        using (var channel = Http2Gateway.Channel(gw))
        {
            // Accepted in order: once a later connection was served, the first one was accepted too (before the drain).
            await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new Grpc.Core.CallOptions(deadline: DateTime.UtcNow.Add(Patience)), "ok");
        }

        gw.Host.Listeners.StartDraining();
        await client.SendPrefaceAsync();

        var first = await client.ReadFrameAsync(Patience);
        RawFrame? frame;
        while ((frame = await client.ReadFrameAsync(Patience)) is not null && frame.Type != Http2Wire.GoAway) { }

        Assert.Equal(Http2Wire.Settings, first?.Type); // RFC 9113 §3.4: the server's preface is a SETTINGS frame
        Assert.NotNull(frame);
        Assert.Equal(Http2ErrorCode.NoError, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4)));
    }

    /// <summary>The system clock moved on by <see cref="Skew"/>: timestamps jump, timers fire in real time.</summary>
    private sealed class SkewedClock : TimeProvider
    {
        public TimeSpan Skew { get; set; }

        public override long GetTimestamp() => base.GetTimestamp() + (long)(Skew.TotalSeconds * TimestampFrequency);
    }
}
