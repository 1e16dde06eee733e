using System.Net;
using System.Text;
using Canaria.Gateway.Forwarding;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// The fast path's HTTP/1.1 framing over real sockets: requests two parsers could frame differently are refused before
/// any byte reaches a backend, and well-framed traffic (pipelined, chunked both ways) goes through intact.
/// </summary>
public sealed class FastPathFramingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: +5\r\n\r\nhello")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 5, 5\r\n\r\nhello")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding : chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: shop\r\nX-Folded: a\r\n b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\nHost: shop\n\n")]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: shop\r\nHost: other\r\n\r\n")]
    [InlineData("GET http://shop/ HTTP/1.1\r\nHost: shop\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: shop\r\nX-Nul: a\0b\r\n\r\n")]
    [InlineData("GET / HTTP/3.0\r\nHost: shop\r\n\r\n")]
    public async Task Parse_AmbiguousOrMalformedHead_Answers400AndNothingReachesTheBackend(string raw)
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync(raw);
        var response = await client.ReadResponseAsync(Patience);

        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("Connection: close", response);
        Assert.Equal(0, v1.Hits);
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Parse_RequestLineOver8KiB_Answers414()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync($"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: shop\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 414", await client.ReadResponseAsync(Patience));
        Assert.Equal(0, v1.Hits);
    }

    [Fact]
    public async Task Forward_PipelinedRequests_AnsweredInOrderOnOneConnection()
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx => ctx.Response.WriteAsync(ctx.Request.Path.Value!));
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET /one HTTP/1.1\r\nHost: shop\r\n\r\nGET /two HTTP/1.1\r\nHost: shop\r\n\r\nGET /three HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n");
        var all = await client.ReadToEndAsync(Patience);

        var one = all.IndexOf("\r\n/one\r\n", StringComparison.Ordinal);
        var two = all.IndexOf("\r\n/two\r\n", StringComparison.Ordinal);
        var three = all.IndexOf("\r\n/three\r\n", StringComparison.Ordinal);
        Assert.True(one > 0 && two > one && three > two, all);
        Assert.Equal(3, v1.Hits);
    }

    [Fact]
    public async Task Forward_ChunkedBothWays_BodyIntactAndUpstreamConnectionReused()
    {
        var connections = new HashSet<string>();
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            lock (connections) connections.Add(ctx.Connection.Id);
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            await ctx.Response.WriteAsync("got:");
            await ctx.Response.Body.FlushAsync(); // no Content-Length: the response is chunked
            await ctx.Response.WriteAsync(body);
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        for (var i = 0; i < 5; i++)
        {
            using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
            await client.SendAsync($"POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n{i + 1:x}\r\n{new string('x', i + 1)}\r\n0\r\nX-Trailer: t\r\n\r\n");
            var response = await client.ReadResponseAsync(Patience);
            Assert.StartsWith("HTTP/1.1 200", response);
            Assert.Contains("Transfer-Encoding: chunked", response);
            Assert.Contains("got:", response);
            Assert.Contains("hello" + new string('x', i + 1), response);
        }

        // Reused: five requests over at most two upstream connections. The relay returns a connection to the pool just
        // after the response's last bytes reach the client, so a next request that arrives in that moment may open one
        // more (seen once in a clean-clone CI run); without reuse there would be five.
        Assert.InRange(connections.Count, 1, 2);
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((5L, 0L), (signals.Requests, signals.Failures));
    }

    [Fact]
    public async Task Forward_Http10Client_StreamedResponseEndsAtCloseNotInChunks()
    {
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Response.WriteAsync("streamed");
            await ctx.Response.Body.FlushAsync(); // chunked for an HTTP/1.1 request
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.0\r\nHost: shop\r\n\r\n");
        var response = await client.ReadToEndAsync(Patience);

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.DoesNotContain("Transfer-Encoding", response, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\nstreamed", response);
    }

    [Fact]
    public async Task Forward_Http10ClientAsksForKeepAlive_TwoRequestsOnOneConnection()
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx =>
        {
            ctx.Response.ContentLength = 2;
            return ctx.Response.WriteAsync("ok");
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.0\r\nHost: shop\r\nConnection: keep-alive\r\n\r\n");
        var first = await client.ReadResponseAsync(Patience);
        await client.SendAsync("GET / HTTP/1.0\r\nHost: shop\r\n\r\n");
        var second = await client.ReadToEndAsync(Patience);

        Assert.Contains("Connection: keep-alive", first);
        Assert.EndsWith("\r\n\r\nok", first);
        Assert.Contains("Connection: close", second);
        Assert.EndsWith("\r\n\r\nok", second);
        Assert.Equal(2, v1.Hits);
    }

    [Fact]
    public async Task Forward_UpstreamSendsBadChunkedFraming_ClientConnectionAbortedAnd502Recorded()
    {
        await using var bad = RawUpstream.Start(async (stream, ct) =>
        {
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer, ct);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n"u8.ToArray(), ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{bad.Port}"), fastPath: true);

        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var response = await client.ReadToEndAsync(Patience);

        // The head may or may not have gone out before the bad chunk was seen; the message is never completed.
        Assert.DoesNotContain("\r\n0\r\n\r\n", response);
        await Wait.UntilAsync(() => gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Failures == 1, Patience, "the cut response to count as a failure");
    }

    [Fact]
    public async Task Engine_KestrelChosen_ServesTheListenerWithKestrel()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: false);

        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/")).StatusCode);
        Assert.Contains(gw.Host.Listeners.Live, l => l is Canaria.Gateway.Hosting.ListenerServer);
    }
}
