using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Canaria.Gateway.Config;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// Races between the fast path and its upstreams or clients that happen in production but rarely in a test run, made to
/// happen every time: an upstream that closes idle keep-alive connections before the next request with a body, and a
/// request timeout that runs out before the request is even written upstream.
/// </summary>
public sealed partial class FastPathUpstreamRaceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private int _accepted;
    private int _closed;

    [Fact]
    public async Task Forward_BodyRequestAfterUpstreamClosedIdleConnection_SentOnNewConnectionNot502()
    {
        const int Posts = 6;
        await using var upstream = RawUpstream.Start(ServeThenCloseWhenIdleAsync);
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{upstream.Port}"), fastPath: true);

        for (var i = 0; i < Posts; i++)
        {
            using var response = await gw.Client.PostAsync("/", new StringContent(new string('b', 100 + i)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"got {100 + i}", await response.Content.ReadAsStringAsync());

            // The upstream closes the pooled connection while it is idle: the next POST finds it closed.
            var accepted = i + 1;
            await Wait.UntilAsync(() => Volatile.Read(ref _closed) == accepted, Patience, "the upstream to close its idle connection");
        }

        Assert.Equal(Posts, Volatile.Read(ref _accepted));
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal(((long)Posts, 0L), (signals.Requests, signals.Failures));
    }

    [Fact]
    public async Task Forward_RequestTimeoutRunsOutBeforeTheHeadIsWritten_408WhileBodyMissingElse504()
    {
        await using var slow = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(2), ctx.RequestAborted);
        });
        // 1 ms: the deadline passes while connecting, writing the head or waiting, a different point each time.
        var config = ClientErrorTests.OneVersion(slow.Address, s => s with { Timeouts = new TimeoutConfig { Request = TimeSpan.FromMilliseconds(1) } });
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
        var listener = gw.Host.ListenerAddresses["main"];

        for (var i = 0; i < 10; i++)
        {
            using var stalls = await RawHttpClient.ConnectAsync(listener);
            await stalls.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 1000\r\n\r\n0123456789");
            Assert.StartsWith("HTTP/1.1 408", await stalls.ReadResponseAsync(Patience));

            using var complete = await RawHttpClient.ConnectAsync(listener);
            await complete.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 10\r\n\r\n0123456789");
            var answer = await complete.ReadResponseAsync(Patience);
            Assert.True(answer.StartsWith("HTTP/1.1 504", StringComparison.Ordinal), answer);
        }

        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((10L, 10L, 10L), (signals.Requests, signals.Failures, signals.ClientErrors));
        Assert.Equal(10, gw.Runtime.Signals.Recorders.Single(r => r.Service == "shop" && r.Version == "v1").TotalClientErrors(ClientErrorKind.BadRequestBody));
    }

    /// <summary>Answers each request on the connection (keep-alive) and closes it once it has been idle for 50 ms.</summary>
    private async Task ServeThenCloseWhenIdleAsync(NetworkStream stream, CancellationToken stop)
    {
        Interlocked.Increment(ref _accepted);
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = end < 0 ? 0 : int.Parse(ContentLength().Match(text[..end]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (end >= 0 && received.Count >= end + 4 + length)
            {
                received.RemoveRange(0, end + 4 + length);
                var body = $"got {length}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"), stop);
                continue;
            }

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (received.Count == 0) idle.CancelAfter(TimeSpan.FromMilliseconds(50));
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, idle.Token);
            }
            catch (OperationCanceledException)
            {
                read = 0;
            }

            if (read == 0)
            {
                stream.Socket.Close();
                Interlocked.Increment(ref _closed);
                return;
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)")]
    private static partial Regex ContentLength();
}
