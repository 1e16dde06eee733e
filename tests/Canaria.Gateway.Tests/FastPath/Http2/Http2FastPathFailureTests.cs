using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.FastPath.Http2;
using Canaria.Gateway.Config;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Support;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>The HTTP/2 fast path when things break: upstream resets and GOAWAYs, client cancels, slow readers, shutdown.</summary>
public sealed class Http2FastPathFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task UpstreamResetsMidStream_ClientGetsErrorNextCallsSucceed_502Recorded()
    {
        var calls = 0;
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            await Http2Gateway.WriteGrpcMessageAsync(ctx.Response, "v1:1"u8.ToArray(), ctx.RequestAborted);
            if (Interlocked.Increment(ref calls) == 1)
            {
                await firstRead.Task.WaitAsync(Patience);
                ctx.Abort(); // the upstream dies in the middle of its stream: RST_STREAM to the gateway
                return;
            }

            ctx.Response.AppendTrailer("grpc-status", "0");
        }, http2Only: true);
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();

        var items = new List<string>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var broken = invoker.AsyncServerStreamingCall(EchoGrpc.Count, null, new CallOptions(), "2");
            await foreach (var item in broken.ResponseStream.ReadAllAsync())
            {
                items.Add(item);
                firstRead.TrySetResult();
            }
        });
        using var next = invoker.AsyncServerStreamingCall(EchoGrpc.Count, null, new CallOptions(), "1");
        var after = new List<string>();
        await foreach (var item in next.ResponseStream.ReadAllAsync()) after.Add(item);

        Assert.Equal(["v1:1"], items);
        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.Equal(["v1:1"], after);
        var totals = gw.Runtime.Signals.Totals("echo", "stable");
        Assert.Equal(1, totals.Classes[5]);
        Assert.Equal(1, totals.Classes[2]);
    }

    [Fact]
    public async Task UpstreamGoAwayDuringLoad_OneEndpointStopsGracefully_NoFailedCall()
    {
        await using var a = await GrpcBackend.StartAsync("stable");
        await using var b = await GrpcBackend.StartAsync("stable");
        var config = Http2Gateway.Grpc(a.Address, 1, b.Address, 0, s => s with { Versions = [s.Versions[0] with { Endpoints = [a.Address, b.Address] }, s.Versions[1]] });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();
        var failures = 0;
        var done = 0;

        async Task WorkerAsync()
        {
            for (var i = 0; i < 150; i++)
            {
                try
                {
                    await invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x");
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref done);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(WorkerAsync)).ToArray();
        await Wait.UntilAsync(() => Volatile.Read(ref done) >= 200, Patience, "the first 200 calls");
        await a.DisposeAsync(); // graceful: Kestrel sends GOAWAY, finishes what it took, then closes
        await Task.WhenAll(workers);

        Assert.Equal(0, failures);
        Assert.Equal(1200, done);
        Assert.True(b.Calls > 0);
    }

    [Fact]
    public async Task RequestTimeout_UpstreamSilent_DeadlineExceededTrailersOnlyAnd504RecordedUpstreamCancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.RequestAborted.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }, http2Only: true);
        var config = Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0, s => s with { Timeouts = new TimeoutConfig { Request = TimeSpan.FromMilliseconds(300) } });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Http2Gateway.Channel(gw);

        var call = channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x");
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
        await cancelled.Task.WaitAsync(Patience);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.StartsWith("canaria gateway: no answer within 300 ms", error.Status.Detail);
        Assert.Equal("stable", call.GetTrailers().GetValue("x-canaria-version") ?? (await call.ResponseHeadersAsync).GetValue("x-canaria-version"));
        Assert.Equal(1, gw.Runtime.Signals.Totals("echo", "stable").Classes[5]);
    }

    [Fact]
    public async Task UpstreamRefusesWithGoAway_FakeUpstream_StreamSentAgainWholeOnNewConnection()
    {
        // A fake upstream (raw frames): Kestrel cannot be made to refuse a stream it has read all of on purpose. Its
        // first connection reads the whole call, then says GOAWAY with last stream 0 (nothing processed); its second answers.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var replayedBody = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = Task.Run(async () =>
        {
            for (var connection = 0; connection < 2; connection++)
            {
                await using var peer = RawH2Client.Accept(await listener.AcceptSocketAsync());
                await peer.SkipPrefaceAsync();
                await peer.SendFrameAsync(Http2Wire.Settings, 0, 0, []);
                var body = new List<byte>();
                RawFrame? frame;
                while ((frame = await peer.ReadFrameAsync(Patience)) is not null)
                {
                    if (frame.Type == Http2Wire.Settings && (frame.Flags & Http2Wire.Ack) == 0) await peer.SendFrameAsync(Http2Wire.Settings, Http2Wire.Ack, 0, []);
                    if (frame.Type == Http2Wire.Data) body.AddRange(frame.Payload);
                    if (frame.Type is Http2Wire.Data or Http2Wire.Headers && (frame.Flags & Http2Wire.EndStream) != 0) break;
                }

                if (connection == 0)
                {
                    // Last stream 0, NO_ERROR; then the connection stays until the gateway closes it (its last stream gone):
                    // closing it first could reset it before the gateway read the GOAWAY, a connection lost, not a refusal.
                    await peer.SendFrameAsync(Http2Wire.GoAway, 0, 0, new byte[8]);
                    while (await peer.ReadFrameAsync(Patience) is not null) { }
                    continue;
                }

                replayedBody.SetResult([.. body]);
                var id = frame!.StreamId;
                await peer.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, id, peer.Fields((":status", "200"), ("content-type", "application/grpc")));
                await peer.SendFrameAsync(Http2Wire.Data, 0, id, RawH2Client.GrpcMessage("replayed"));
                await peer.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders | Http2Wire.EndStream, id, peer.Fields(("grpc-status", "0")));
                await peer.ReadFrameAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(address, 1, address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw)); // a client that never retries by itself

        await client.SendUnaryAsync(1, "/canaria.test.Echo/Say", "x");
        var frames = new List<RawFrame>();
        while (await client.ReadFrameAsync(Patience) is { } frame)
        {
            frames.Add(frame);
            if (frame.StreamId == 1 && (frame.Flags & Http2Wire.EndStream) != 0 || frame.Type == Http2Wire.RstStream) break;
        }

        Assert.DoesNotContain(frames, f => f.Type == Http2Wire.RstStream);
        Assert.Contains(frames, f => f.Type == Http2Wire.Data && f.StreamId == 1 && f.Payload.SequenceEqual(RawH2Client.GrpcMessage("replayed")));
        Assert.Equal(RawH2Client.GrpcMessage("x"), await replayedBody.Task.WaitAsync(Patience));
        Assert.Equal(1, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Requests);
        await upstream.WaitAsync(Patience);
    }

    [Fact]
    public async Task GrpcAnswerWithoutGrpcStatus_RecordedAsUnknownFailure()
    {
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            await Http2Gateway.WriteGrpcMessageAsync(ctx.Response, "v1:x"u8.ToArray(), ctx.RequestAborted); // and no trailers
        }, http2Only: true);
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        using var channel = Http2Gateway.Channel(gw);

        await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(), "x"));

        var totals = gw.Runtime.Signals.Totals("echo", "stable");
        Assert.Equal((0L, 1L), (totals.Classes[2], totals.Classes[5]));
    }

    [Fact]
    public async Task ClientCancels_UpstreamSeesCancel_RecordedAsAborted()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            ctx.RequestAborted.Register(() => cancelled.TrySetResult());
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }, http2Only: true);
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        using var channel = Http2Gateway.Channel(gw);
        using var cts = new CancellationTokenSource();

        var call = channel.CreateCallInvoker().AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(cancellationToken: cts.Token), "x");
        await entered.Task.WaitAsync(Patience);
        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
        await cancelled.Task.WaitAsync(Patience);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await Wait.UntilAsync(() => gw.Runtime.Signals.Totals("echo", "stable").ClientErrors[(int)ClientErrorKind.Aborted] == 1, Patience, "the aborted call to be recorded");
        Assert.Equal(0, gw.Runtime.Signals.Query("echo", "stable", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task LargeBodiesBothWays_SlowReader_UpstreamBackPressuredAndBytesIntact()
    {
        const int size = 32 * 1024 * 1024;
        long written = 0;
        long received = 0;
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted)) > 0) Interlocked.Add(ref received, n);
            for (var sent = 0; sent < size; sent += buffer.Length)
            {
                for (var i = 0; i < buffer.Length; i++) buffer[i] = (byte)(sent + i);
                await ctx.Response.Body.WriteAsync(buffer, ctx.RequestAborted);
                Interlocked.Add(ref written, buffer.Length);
            }
        }, http2Only: true);
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0, s => s with { Versions = [s.Versions[0] with { Protocol = UpstreamProtocol.Http2 }, s.Versions[1] with { Protocol = UpstreamProtocol.Http2 }] });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var client = new HttpClient(new SocketsHttpHandler { InitialHttp2StreamWindowSize = 65535 }) { BaseAddress = gw.Client.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var body = new byte[8 * 1024 * 1024];
        Random.Shared.NextBytes(body);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = new ByteArrayContent(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var chunk = new byte[64 * 1024];
        await stream.ReadExactlyAsync(chunk);

        // The reader pauses: the upstream must stop once the windows between are full, not stream all into the gateway.
        var stalledAt = await Http2Gateway.UntilStalledAsync(() => Interlocked.Read(ref written), "the upstream's writes to stall");
        var total = (long)chunk.Length;
        var mismatch = false;
        int n;
        while ((n = await stream.ReadAsync(chunk)) > 0)
        {
            for (var i = 0; i < n && !mismatch; i++) mismatch = chunk[i] != (byte)(total + i);
            total += n;
        }

        Assert.Equal(body.Length, Interlocked.Read(ref received));
        Assert.True(stalledAt < size / 2, $"the upstream wrote {stalledAt} bytes while the client read 64 KiB");
        Assert.Equal(size, total);
        Assert.False(mismatch);
        Assert.Equal(1, gw.Host.FastPath!.Http2Counters.Fast);
    }

    [Fact]
    public async Task GatewayShutdown_CallInFlight_GoAwayThenCallFinishes()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            entered.TrySetResult();
            await release.Task;
            await Http2Gateway.WriteGrpcMessageAsync(ctx.Response, "done"u8.ToArray(), ctx.RequestAborted);
            ctx.Response.AppendTrailer("grpc-status", "0");
        }, http2Only: true);
        var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));
        await client.SendUnaryAsync(1, "/canaria.test.Echo/Say", "x");
        await entered.Task.WaitAsync(Patience);

        var stopping = gw.DisposeAsync().AsTask();
        RawFrame? frame;
        while ((frame = await client.ReadFrameAsync(Patience)) is { Type: not Canaria.Gateway.FastPath.Http2.Http2Wire.GoAway }) { }
        Assert.NotNull(frame);
        Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue);
        release.SetResult();
        var frames = new List<RawFrame>();
        while (await client.ReadFrameAsync(Patience) is { } next) frames.Add(next);
        await stopping;

        var headers = frames.Where(f => f.Type == Canaria.Gateway.FastPath.Http2.Http2Wire.Headers && f.StreamId == 1).ToList();
        Assert.Equal(2, headers.Count); // the response head, then the trailers
        Assert.Contains((":status", "200"), client.Decode(headers[0]));
        Assert.Contains(("grpc-status", "0"), client.Decode(headers[1]));
        Assert.Contains(frames, f => f.Type == Canaria.Gateway.FastPath.Http2.Http2Wire.Data && f.StreamId == 1 && f.Payload.Length == 9);
    }

    [Fact]
    public async Task ConnectFails_LargeRequests_EveryCallUnavailableConnectionNeverStalls()
    {
        var dead = DeadAddress();
        var config = Http2Gateway.Grpc(dead, 1, dead, 0, s => s with { Health = new HealthConfig { ConsecutiveFailures = 100_000 } });
        await using var gw = await GatewayTestHost.StartAsync(config);
        using var channel = Http2Gateway.Channel(gw);
        var invoker = channel.CreateCallInvoker();
        var big = new string('x', 32 * 1024);

        // 60 x 32 KiB is more than the 1 MiB connection window the gateway grants: the request bytes it drops with each 502
        // must be granted back, or call 33 or so waits for window until its deadline.
        for (var i = 0; i < 60; i++)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(EchoGrpc.Say, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5)), big).ResponseAsync);
            Assert.True(e.StatusCode == StatusCode.Unavailable, $"call {i}: {e.StatusCode} {e.Status.Detail}");
        }
    }

    [Fact]
    public async Task GatewayShutdown_SlowReaderLargeResponse_ResponseEndsWhole()
    {
        const int messages = 2048;
        const int size = 16 * 1024;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            await release.Task;
            var payload = new byte[size];
            for (var i = 0; i < messages; i++) await Http2Gateway.WriteGrpcMessageAsync(ctx.Response, payload, ctx.RequestAborted);
            ctx.Response.AppendTrailer("grpc-status", "0");
        }, http2Only: true);
        var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(v1.Address, 1, v1.Address, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw), sendSettings: false);
        await client.GrantLargestWindowsAsync();
        await client.SendUnaryAsync(1, "/canaria.test.Echo/Say", "x");

        var stopping = gw.DisposeAsync().AsTask();
        await Task.Delay(100); // the drain has begun (its GOAWAY is on the way) before the answer starts
        release.SetResult();
        long bytes = 0;
        var ended = false;
        var frames = 0;
        while (await client.ReadFrameAsync(Patience) is { } frame)
        {
            if (frame.StreamId == 1 && frame.Type == Http2Wire.Data) bytes += frame.Payload.Length;
            if (frame.StreamId == 1 && (frame.Flags & Http2Wire.EndStream) != 0)
            {
                ended = true;
                break;
            }

            if (++frames % 4 == 0) await Task.Delay(5); // a slow reader
        }

        await stopping;
        Assert.True(ended, $"the connection closed before the response ended: {bytes} of {messages * (size + 5)} bytes");
        Assert.Equal(messages * (size + 5), bytes);
    }

    [Fact]
    public async Task AnsweredBeforeRequestEnded_ClientSendsTrailersAfterReset_IgnoredConnectionKept()
    {
        var dead = DeadAddress();
        await using var gw = await GatewayTestHost.StartAsync(Http2Gateway.Grpc(dead, 1, dead, 0));
        await using var client = await RawH2Client.ConnectAsync(Http2Gateway.Listener(gw));
        const string say = "/canaria.test.Echo/Say";

        // A client-streaming call the gateway answers (UNAVAILABLE) and resets (NO_ERROR) before the client ended it.
        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders, 1, client.Block(say));
        RawFrame? frame;
        while ((frame = await client.ReadFrameAsync(Patience)) is not null && !(frame.StreamId == 1 && frame.Type == Http2Wire.RstStream)) { }
        Assert.NotNull(frame);

        // What the client had sent before it saw the reset is ignored (RFC 9113 §5.1), not a connection error.
        await client.SendFrameAsync(Http2Wire.Data, 0, 1, RawH2Client.GrpcMessage("late"));
        await client.SendFrameAsync(Http2Wire.Headers, Http2Wire.EndHeaders | Http2Wire.EndStream, 1, client.Block(say));
        await client.SendUnaryAsync(3, say, "next");
        while ((frame = await client.ReadFrameAsync(Patience)) is not null && frame.StreamId != 3)
        {
            Assert.False(frame.Type == Http2Wire.GoAway, "GOAWAY for frames sent on a stream the gateway had just reset");
        }

        Assert.NotNull(frame);
        Assert.Equal(Http2Wire.Headers, frame.Type);
    }

    /// <summary>A loopback address nothing listens on (connects are refused at once).</summary>
    private static string DeadAddress()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var dead = $"127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        return dead;
    }
}
