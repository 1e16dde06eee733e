using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// Pooled upstream connections the upstream closes while they are idle: a request must not fail because of it, and a
/// request that may have reached the upstream is sent twice only when that is harmless (an idempotent method or an
/// Idempotency-Key, and the gateway still holds all of it).
/// </summary>
public sealed class FastPathStaleConnectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Forward_PostsWhileNginxClosesIdleConnectionsAfter20ms_NoneFailsAndEachServedOnce()
    {
        const int Clients = 12;
        const int Gets = 20;
        const int Posts = 120;
        await using var nginx = await NginxBackend.StartAsync(TimeSpan.FromMilliseconds(20));
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(nginx.Address), fastPath: true);
        var listener = gw.Host.ListenerAddresses["main"];

        // Pauses of 0-48 ms around nginx's 20 ms keep-alive timeout: pooled connections are reused just before, at and
        // after the moment nginx closes them. A GET that meets a close is sent again; a POST never is, so none may be
        // written onto a connection nginx is closing: the gateway drops one whose close already arrived (its parked
        // receive, or the kernel asked just before) and, once it has seen nginx close idle connections (at about 20 ms),
        // gives POSTs none idle for half that age. Before it has seen one close, a POST can still meet the first: the
        // GETs first are that lesson, so the POSTs run in the case the gateway guarantees. (With a 5 ms timeout, a
        // gateway thread stalled 2.5 ms between that check and the write, as on a machine loaded 20 times over, is the
        // rest of the window; real keep-alive timeouts are seconds.)
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            using var client = await RawHttpClient.ConnectAsync(listener);
            for (var i = 0; i < Gets + Posts; i++)
            {
                var body = new string('p', random.Next(1, 2000));
                await client.SendAsync(i < Gets
                    ? "GET /orders HTTP/1.1\r\nHost: shop\r\n\r\n"
                    : $"POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: {body.Length}\r\n\r\n{body}");
                var response = await client.ReadResponseAsync(Patience);
                if (!response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || !response.EndsWith("ok", StringComparison.Ordinal))
                {
                    lock (failures) failures.Add($"{(i < Gets ? "GET" : "POST")} {i}: {response}");
                    return;
                }

                await Task.Delay(random.Next(0, 49));
            }
        })));

        Assert.Empty(failures);
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(5));
        Assert.Equal(((long)Clients * (Gets + Posts), 0L), (signals.Requests, signals.Failures));
        Assert.Equal(Clients * (Gets + Posts), nginx.Served);

        // Both cases happened: pooled connections were reused, and nginx closed idle ones (the gateway opened new ones).
        var (connections, onReused) = nginx.ConnectionUse();
        Assert.True(onReused > 0 && connections > Clients, $"{connections} connections, {onReused} requests on a reused one");
    }

    /// <summary>
    /// The first request to /once meets a pooled connection the upstream drops after reading all of it: an idle close that
    /// crossed the request, or an upstream that read it and died, look the same. Sent again on a new connection only when
    /// it is repeatable (an idempotent method, or an Idempotency-Key) and the gateway held all of it; a POST, a body
    /// streamed from the client, or a response cut after its first bytes answer 502 and reach the upstream once.
    /// </summary>
    [Theory]
    [InlineData("POST", "", "held", 502, 1)]
    [InlineData("POST", "", "streamed", 502, 1)]
    [InlineData("POST", "", "answer-begun", 502, 1)]
    [InlineData("POST", "Idempotency-Key: 5f1c0a\r\n", "held", 200, 2)]
    [InlineData("PUT", "", "held", 200, 2)]
    [InlineData("PUT", "", "streamed", 502, 1)]
    [InlineData("GET", "", "bodiless", 200, 2)]
    public async Task Forward_RequestOnConnectionUpstreamDropsAfterReading_RepeatedOnlyWhenRepeatableAndHeld(string method, string header, string mode, int status, int seen)
    {
        var heads = 0;
        var streamedHeadSeen = new TaskCompletionSource();
        await using var upstream = RawUpstream.Start(async (stream, stop) =>
        {
            var reader = new UpstreamRequestReader(stream);
            while (await reader.ReadRequestAsync(line => { if (line.EndsWith(" /once", StringComparison.Ordinal)) streamedHeadSeen.TrySetResult(); }, stop) is { } line)
            {
                if (line.EndsWith(" /once", StringComparison.Ordinal) && Interlocked.Increment(ref heads) == 1)
                {
                    if (mode == "answer-begun") await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Le"u8.ToArray(), stop);
                    return; // closes the connection
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), stop);
            }
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{upstream.Port}"), fastPath: true);
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET /warm HTTP/1.1\r\nHost: shop\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", await client.ReadResponseAsync(Patience)); // the upstream connection is now pooled

        var start = $"{method} /once HTTP/1.1\r\nHost: shop\r\n{header}";
        if (mode == "bodiless")
        {
            await client.SendAsync($"{start}\r\n");
        }
        else if (mode == "streamed")
        {
            await client.SendAsync($"{start}Content-Length: 10\r\n\r\n01234");
            await streamedHeadSeen.Task.WaitAsync(Patience);
            await client.SendAsync("56789");
        }
        else
        {
            await client.SendAsync($"{start}Content-Length: 10\r\n\r\n0123456789");
        }

        var response = await client.ReadResponseAsync(Patience);
        Assert.True(response.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), response);
        Assert.Equal(seen, Volatile.Read(ref heads));
    }
}
