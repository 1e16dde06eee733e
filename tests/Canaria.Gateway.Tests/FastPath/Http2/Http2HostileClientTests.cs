using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Canaria.Gateway.FastPath.Http2;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// Hostile h2c clients (a hand-driven client, since real ones cannot be made to misbehave): each gets the RFC 9113 error
/// it earned, the gateway's work and memory stay bounded, and a second, well-behaved client is served meanwhile.
/// </summary>
public sealed class Http2HostileClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const string Say = "/canaria.test.Echo/Say";

    [Fact]
    public async Task RapidReset_TenThousandStreamsOpenedAndReset_GoAwayEnhanceYourCalmWorkBounded()
    {
        await using var setup = await HostileSetup.StartAsync();
        var (v1, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        var rst = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rst, (uint)Http2ErrorCode.Cancel);
        var started = Stopwatch.StartNew();
        await SendUntilClosedAsync(client, Enumerable.Range(0, 20).Select(batch =>
        {
            var bytes = new List<byte>();
            for (var i = 0; i < 500; i++)
            {
                var id = ((batch * 500) + i) * 2 + 1;
                bytes.AddRange(RawH2Client.Frame(Http2Wire.Headers, Http2Wire.EndHeaders, id, client.Block(Say)));
                bytes.AddRange(RawH2Client.Frame(Http2Wire.RstStream, 0, id, rst));
            }

            return bytes.ToArray();
        }));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, await client.ReadGoAwayAsync(Patience));
        AssertFewOpenedUpstream(gw, started.Elapsed);
        await AssertOthersServedAsync(gw);
    }

    /// <summary>MadeYouReset (CVE-2025-8671): streams the gateway resets because of the client cost the same budget as the client's own resets.</summary>
    [Theory]
    [InlineData("window-update-zero")]
    [InlineData("data-past-window")]
    [InlineData("trailers-without-end-stream")]
    [InlineData("priority-wrong-length")]
    public async Task ClientCausedResets_Flood_GoAwayEnhanceYourCalmWorkBounded(string how)
    {
        await using var setup = await HostileSetup.StartAsync();
        var (_, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        var started = Stopwatch.StartNew();
        await SendUntilClosedAsync(client, Enumerable.Range(0, 20).Select(batch =>
        {
            var bytes = new List<byte>();
            for (var i = 0; i < 250; i++)
            {
                var id = ((batch * 250) + i) * 2 + 1;
                bytes.AddRange(RawH2Client.Frame(Http2Wire.Headers, Http2Wire.EndHeaders, id, client.Block(Say)));
                bytes.AddRange(how switch
                {
                    "window-update-zero" => RawH2Client.Frame(Http2Wire.WindowUpdate, 0, id, new byte[4]),
                    "data-past-window" => RawH2Client.Frame(Http2Wire.Data, 0, id, new byte[Http2Wire.StreamWindow / 4]).Concat(
                        Enumerable.Repeat(RawH2Client.Frame(Http2Wire.Data, 0, id, new byte[Http2Wire.DefaultMaxFrameSize]), 4).SelectMany(f => f)),
                    "priority-wrong-length" => RawH2Client.Frame(Http2Wire.Priority, 0, id, new byte[4]),
                    _ => RawH2Client.Frame(Http2Wire.Headers, Http2Wire.EndHeaders, id, client.Block(Say)),
                });
            }

            return bytes.ToArray();
        }));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, await client.ReadGoAwayAsync(Patience));
        AssertFewOpenedUpstream(gw, started.Elapsed);
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Continuation_Endless_GoAwayEnhanceYourCalmBeforeDecoding()
    {
        await using var setup = await HostileSetup.StartAsync();
        var (v1, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        var filler = new byte[16384];
        await client.SendFrameAsync(Http2Wire.Headers, 0, 1, client.Block(Say));
        await SendUntilClosedAsync(client, Enumerable.Range(0, 200).Select(_ => RawH2Client.Frame(Http2Wire.Continuation, 0, 1, filler)));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, await client.ReadGoAwayAsync(Patience));
        Assert.Equal(0, gw.Host.FastPath!.Http2Counters.Fast); // the stream was never routed, let alone opened upstream
        Assert.Equal(0, v1.Calls);
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Continuation_EndlessEmpty_GoAwayEnhanceYourCalm()
    {
        await using var setup = await HostileSetup.StartAsync();
        var (v1, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        var empty = RawH2Client.Frame(Http2Wire.Continuation, 0, 1, []);
        await client.SendFrameAsync(Http2Wire.Headers, 0, 1, client.Block(Say));
        await SendUntilClosedAsync(client, Enumerable.Range(0, 100).Select(_ => Enumerable.Repeat(empty, 10_000).SelectMany(f => f).ToArray()));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, await client.ReadGoAwayAsync(Patience));
        Assert.Equal(0, gw.Host.FastPath!.Http2Counters.Fast);
        Assert.Equal(0, v1.Calls);
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Data_PastStreamWindow_StreamResetFlowControlError()
    {
        // An upstream that accepts the connection and never answers: its window is never granted again, so the client's
        // request DATA stays in the gateway, and the gateway grants the client nothing past its window.
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var address = $"127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(address, 1, address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));

        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, 1, client.Block(Say));
        var data = new byte[16384];
        await SendUntilClosedAsync(client, Enumerable.Range(0, 40).Select(_ => RawH2Client.Frame(Http2Wire.Data, 0, 1, data))); // 640 KiB

        RawFrame? frame;
        while ((frame = await client.ReadFrameAsync(Patience)) is not null && frame.Type != Http2Wire.RstStream) { }
        Assert.NotNull(frame);
        Assert.Equal((1, Http2ErrorCode.FlowControlError), (frame.StreamId, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload)));
    }

    [Fact]
    public async Task Frame_OverMaxFrameSize_GoAwayFrameSizeError()
    {
        await using var setup = await HostileSetup.StartAsync();
        var (_, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        await client.SendFrameAsync(Http2Wire.Data, 0, 1, new byte[20000]);

        Assert.Equal(Http2ErrorCode.FrameSizeError, await client.ReadGoAwayAsync(Patience));
        await AssertOthersServedAsync(gw);
    }

    [Theory]
    [InlineData(Http2Wire.Settings)]
    [InlineData(Http2Wire.Ping)]
    public async Task ControlFlood_AcksNeverRead_GoAwayEnhanceYourCalm(byte type)
    {
        await using var setup = await HostileSetup.StartAsync();
        var (_, gw, client) = (setup.Backend, setup.Gateway, setup.Client);
        var one = RawH2Client.Frame(type, 0, 0, type == Http2Wire.Ping ? new byte[8] : []);
        var batch = Enumerable.Repeat(one, 4096).SelectMany(f => f).ToArray();

        await SendUntilClosedAsync(client, Enumerable.Range(0, 1000).Select(_ => batch));

        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, await client.ReadGoAwayAsync(Patience));
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task HeaderBlock_FailsHpack_GoAwayCompressionError()
    {
        await using var setup = await HostileSetup.StartAsync();
        var (v1, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders | Http2Wire.EndStream, 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);

        Assert.Equal(Http2ErrorCode.CompressionError, await client.ReadGoAwayAsync(Patience));
        Assert.Equal(0, v1.Calls);
        await AssertOthersServedAsync(gw);
    }

    [Theory]
    [InlineData(new[] { 2 }, (int)Http2ErrorCode.ProtocolError)]
    [InlineData(new[] { 5, 3 }, (int)Http2ErrorCode.StreamClosed)]
    public async Task StreamIds_EvenOrGoingBackwards_GoAwayWithTheRfcCode(int[] ids, int expected)
    {
        await using var setup = await HostileSetup.StartAsync();
        var (_, gw, client) = (setup.Backend, setup.Gateway, setup.Client);

        foreach (var id in ids) await client.SendUnaryAsync(id, Say, "x");

        Assert.Equal((Http2ErrorCode)expected, await client.ReadGoAwayAsync(Patience));
        await AssertOthersServedAsync(gw);
    }

    [Fact]
    public async Task Client_NeverReadsResponses_UpstreamBackPressured()
    {
        const int messages = 100_000;
        var written = 0;
        await using var v1 = await Http2Gateway.FloodBackendAsync(100, messages, () => Interlocked.Increment(ref written));
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));

        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, 1, client.Block(Say, extra: ("x-flood", "1")));
        await client.SendFrameAsync(Http2Wire.Data, Http2Wire.EndStream, 1, RawH2Client.GrpcMessage("x")); // ~10 MB of answer to a client that reads none of it
        var last = await Http2Gateway.UntilStalledAsync(() => Volatile.Read(ref written), "the upstream's writes to stall");

        Assert.True(last < messages / 4, $"the upstream wrote {last} of {messages} messages to a client that read nothing");
        await AssertOthersServedAsync(gw);
    }

    /// <summary>A gRPC backend, a gateway in front of it and a hand-driven client connected to the gateway.</summary>
    private sealed record HostileSetup(GrpcBackend Backend, GatewayTestHost Gateway, RawH2Client Client) : IAsyncDisposable
    {
        public static async Task<HostileSetup> StartAsync()
        {
            var backend = await GrpcBackend.StartAsync("stable");
            var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(backend.Address, 1, backend.Address, 0));
            return new HostileSetup(backend, gw, await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw)));
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Gateway.DisposeAsync();
            await Backend.DisposeAsync();
        }
    }

    /// <summary>Sends the chunks until the gateway closes the connection (a reset or a send that no longer completes).</summary>
    private static async Task SendUntilClosedAsync(RawH2Client client, IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            try
            {
                // A send blocked this long: the gateway stopped reading (it ended the connection), not just slow on a loaded machine;
                // still well within the 5 s the gateway gives its last frames to leave.
                await client.SendRawAsync(chunk).WaitAsync(TimeSpan.FromMilliseconds(1500));
            }
            catch (Exception e) when (e is SocketException or TimeoutException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The streams the gateway routed and opened upstream for the hostile client stayed within the reset budget: its burst
    /// plus its refill over <paramref name="elapsed"/> (a flood sending 80 KiB per stream is slow on a loaded machine), with
    /// room for one stream in flight per token. The upstream's handler count cannot tell: reset streams never reach it.
    /// </summary>
    private static void AssertFewOpenedUpstream(GatewayTestHost gw, TimeSpan elapsed)
    {
        var opened = gw.Host.FastPath!.Http2Counters.Fast;
        var budget = ResetBudget.Burst + (ResetBudget.PerSecond * elapsed.TotalSeconds);
        Assert.True(opened > 0 && opened <= budget + 50, $"the gateway opened {opened} upstream streams in {elapsed.TotalSeconds:F1} s for a client resetting them (budget {budget:F0})");
    }

    /// <summary>A well-behaved gRPC client on its own connection is served while (or after) the hostile one was dealt with.</summary>
    private static async Task AssertOthersServedAsync(GatewayTestHost gw)
    {
        using var channel = Http2Gateway.Channel(gw);
        Assert.Equal("stable:ok", await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), "ok"));
    }
}
