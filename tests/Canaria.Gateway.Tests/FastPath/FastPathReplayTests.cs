using System.Net.Sockets;
using System.Text.RegularExpressions;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// Requests that reached an upstream which then died or answered early. A request that is not repeatable reaches one
/// upstream once, never the same one again nor the next endpoint (a POST /payments must not run twice, and a request that
/// crashes a replica must not be handed to each next one); a repeatable one is sent again. An early answer to a large
/// upload the gateway holds whole (413 before the body was read) is relayed, not lost to the reset of the send.
/// </summary>
public sealed class FastPathReplayTests
{
    private const int LargeBody = 200 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly byte[] Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();

    [Theory]
    [InlineData("POST", 502, 1)]
    [InlineData("GET", 200, 2)]
    public async Task Forward_EndpointDiesAfterReadingRequest_NextEndpointGetsItOnlyWhenRepeatable(string method, int status, int seen)
    {
        var once = 0;
        var warm = new int[2];
        var upstreams = new RawUpstream[2];
        for (var i = 0; i < upstreams.Length; i++)
        {
            var self = i;
            upstreams[i] = RawUpstream.Start(async (stream, stop) =>
            {
                var reader = new UpstreamRequestReader(stream);
                while (await reader.ReadRequestAsync(_ => { }, stop) is { } line)
                {
                    if (line.EndsWith(" /warm", StringComparison.Ordinal)) Interlocked.Increment(ref warm[self]);
                    if (line.EndsWith(" /once", StringComparison.Ordinal) && Interlocked.Increment(ref once) == 1)
                    {
                        upstreams[self].Kill(); // it read the whole request, then its process died
                        return;
                    }

                    await stream.WriteAsync(Ok, stop);
                }
            });
        }

        try
        {
            var config = ClientErrorTests.OneVersion($"127.0.0.1:{upstreams[0].Port}", s => s with
            {
                Versions = [s.Versions[0] with { Endpoints = [.. upstreams.Select(u => $"127.0.0.1:{u.Port}")] }],
            });
            await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
            using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
            for (var i = 0; i < 2; i++)
            {
                await client.SendAsync("GET /warm HTTP/1.1\r\nHost: shop\r\n\r\n");
                Assert.StartsWith("HTTP/1.1 200", await client.ReadResponseAsync(Patience));
            }

            Assert.Equal([1, 1], warm); // each endpoint has a pooled connection, so /once meets a reused one
            var body = method == "GET" ? "" : "Content-Length: 12\r\n\r\n{\"amount\":5}";
            await client.SendAsync($"{method} /once HTTP/1.1\r\nHost: shop\r\n{(body.Length == 0 ? "\r\n" : body)}");
            var response = await client.ReadResponseAsync(Patience);
            Assert.True(response.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), response);
            Assert.Equal(seen, Volatile.Read(ref once));
        }
        finally
        {
            foreach (var upstream in upstreams) await upstream.DisposeAsync();
        }
    }

    /// <summary>The upstream reads a quarter of a 200 KB body the gateway holds whole, then dies (a reset mid-send).</summary>
    [Theory]
    [InlineData("POST", 502, 1)]
    [InlineData("PUT", 200, 2)]
    public async Task Forward_UpstreamDiesMidwayThroughLargeHeldBody_RepeatedOnlyWhenIdempotent(string method, int status, int seen)
    {
        var once = 0;
        var release = new TaskCompletionSource();
        await using var upstream = StartUpstream(release, async (reader, _, stop) =>
        {
            if (Interlocked.Increment(ref once) != 1) return false;
            await reader.SkipAsync(LargeBody / 4, stop);
            return true; // closes with the rest of the body unread: a reset
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{upstream.Port}"), fastPath: true);

        var statuses = await SendHeldAsync(gw.Host.ListenerAddresses["main"], release, $"{method} /once HTTP/1.1\r\nHost: shop\r\n");

        Assert.Equal([200, status], statuses);
        Assert.Equal(seen, Volatile.Read(ref once));
    }

    /// <summary>The upstream reads the head of a 200 KB upload, answers 413 at once and closes without reading the body.</summary>
    [Fact]
    public async Task Forward_UpstreamAnswers413AndClosesWithoutReadingHeldBody_ClientGets413()
    {
        var once = 0;
        var release = new TaskCompletionSource();
        await using var upstream = StartUpstream(release, async (_, stream, stop) =>
        {
            Interlocked.Increment(ref once);
            await stream.WriteAsync("HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big."u8.ToArray(), stop);
            return true; // closes with the body unread: a reset while the gateway is still sending it
        }, receiveBuffer: 8 * 1024); // the 200 KB cannot all sit in socket buffers: the gateway is mid-send at the reset
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{upstream.Port}"), fastPath: true);

        var statuses = await SendHeldAsync(gw.Host.ListenerAddresses["main"], release, "POST /once HTTP/1.1\r\nHost: shop\r\n");

        Assert.Equal([200, 413], statuses);
        Assert.Equal(1, Volatile.Read(ref once));
    }

    /// <summary>
    /// An upstream that answers /first once released, and any request after reading its body with 200; a request to
    /// /once meets <paramref name="onOnce"/> first, which returns true when the upstream closes the connection there.
    /// </summary>
    private static RawUpstream StartUpstream(
        TaskCompletionSource release, Func<UpstreamRequestReader, NetworkStream, CancellationToken, Task<bool>> onOnce, int? receiveBuffer = null) =>
        RawUpstream.Start(async (stream, stop) =>
        {
            var reader = new UpstreamRequestReader(stream);
            while (await reader.ReadHeadAsync(stop) is { } head)
            {
                if (head.Line.EndsWith(" /first", StringComparison.Ordinal)) await release.Task.WaitAsync(stop);
                if (head.Line.EndsWith(" /once", StringComparison.Ordinal) && await onOnce(reader, stream, stop)) return;
                if (!await reader.SkipAsync(head.Length, stop)) return;
                await stream.WriteAsync(Ok, stop);
            }
        }, receiveBuffer);

    /// <summary>
    /// Sends "GET /first" and, in the same write, the request with a 200 KB body and Connection: close; waits until the
    /// gateway has read every byte (so the body has wholly arrived when the request is forwarded, and is held), lets the
    /// upstream answer /first (its connection is then pooled, and the request reuses it), and returns both statuses.
    /// </summary>
    private static async Task<int[]> SendHeldAsync(Uri listener, TaskCompletionSource release, string head)
    {
        using var client = await RawHttpClient.ConnectAsync(listener);
        await client.SendAsync($"GET /first HTTP/1.1\r\nHost: shop\r\n\r\n{head}Content-Length: {LargeBody}\r\nConnection: close\r\n\r\n{new string('b', LargeBody)}");
        await Wait.UntilAsync(() => SocketQueues.Drained(client.LocalPort, listener.Port), Patience, "the gateway to read the whole request");
        release.SetResult();
        var text = await client.ReadToEndAsync(Patience);
        return [.. Regex.Matches(text, @"HTTP/1\.1 (\d{3}) ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
    }
}
