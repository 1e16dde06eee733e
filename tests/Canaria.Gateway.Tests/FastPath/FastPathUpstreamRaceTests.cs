using Canaria.Gateway.Config;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// A race between the fast path's request timeout and its work that happens in production but rarely in a test run,
/// made to happen every time: the timeout running out before the request is even written upstream.
/// </summary>
public sealed class FastPathUpstreamRaceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

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
}
