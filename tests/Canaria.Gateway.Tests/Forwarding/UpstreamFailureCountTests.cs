using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Forwarding;

/// <summary>
/// The other side of client errors: what the upstream broke stays the version's failure, and the gateway's
/// own 5xx answers never reveal the upstream's address.
/// </summary>
public sealed class UpstreamFailureCountTests
{
    private const int Count = 5;

    [Theory]
    [InlineData("refused", HttpStatusCode.BadGateway)]
    [InlineData("reset", HttpStatusCode.BadGateway)]
    [InlineData("reset-while-reading-body", HttpStatusCode.BadGateway)]
    [InlineData("timeout", HttpStatusCode.GatewayTimeout)]
    [InlineData("answers-500", HttpStatusCode.InternalServerError)]
    public async Task Forward_UpstreamFails_CountsVersionFailuresNotClientErrors(string failure, HttpStatusCode expected)
    {
        await using var backend = await TestBackend.StartAsync("v1", failure switch
        {
            "reset" => ctx =>
            {
                ctx.Abort();
                return Task.CompletedTask;
            },
            "reset-while-reading-body" => async ctx =>
            {
                await ctx.Request.Body.ReadExactlyAsync(new byte[1024], ctx.RequestAborted);
                ctx.Abort();
            },
            "timeout" => ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted),
            "answers-500" => ctx =>
            {
                ctx.Response.StatusCode = 500;
                return Task.CompletedTask;
            },
            _ => null,
        });
        var address = failure == "refused" ? $"127.0.0.1:{Ports.Closed()}" : backend.Address;
        // Only the timeout case has a short request timeout. The others must fail by what the upstream does, however long
        // it takes to do it: with 200 ms for every case, a backend still cold (JIT) on a loaded machine had not even reset
        // the connection when the timeout ran out, and the gateway rightly answered 504 (or 408 with the body still
        // arriving) for "reset". With 30 s, a gateway that waited for a timeout instead of noticing the reset answers 504.
        var requestTimeout = failure == "timeout" ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(30);
        var config = ClientErrorTests.OneVersion(address, s => s with
        {
            Timeouts = new TimeoutConfig { Request = requestTimeout },
            Health = new HealthConfig { ConsecutiveFailures = 100 },
        });
        await using var gw = await GatewayTestHost.StartAsync(config);

        for (var i = 0; i < Count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new byte[64 * 1024]) };
            request.Headers.TransferEncodingChunked = true;
            using var response = await gw.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(expected, response.StatusCode);
            Assert.DoesNotContain(address, body);
            Assert.DoesNotContain("127.0.0.1", body);
            if (expected != HttpStatusCode.InternalServerError)
            {
                Assert.StartsWith("canaria gateway: ", body);
            }
        }

        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal(((long)Count, (long)Count, 0L), (signals.Requests, signals.Failures, signals.ClientErrors));
        Assert.Equal(0.0, signals.SuccessRate);
    }

    [Fact]
    public async Task Forward_AllEndpointsRefuse_502BodyNamesNoAddress()
    {
        var dead = $"127.0.0.1:{Ports.Closed()}";
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(dead));

        using var response = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("canaria gateway: no endpoint of this version could be reached\n", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers.Concat(response.Content.Headers), h => h.Value.Any(v => v.Contains(dead, StringComparison.Ordinal)));
    }
}
