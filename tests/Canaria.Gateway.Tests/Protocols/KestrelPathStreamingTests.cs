using System.Net;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Protocols;

/// <summary>
/// The Kestrel path (HTTP/2 end to end, and the Kestrel engine over HTTP/1.1) sends a chunk on without waiting for the
/// next one only when the next is not there yet: a body that pauses mid-way must still reach the other side up to the pause.
/// </summary>
public sealed class KestrelPathStreamingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Forward_UpstreamPausesMidResponse_ClientGetsFirstChunkBeforeTheRestAndTheTrailers(bool http2)
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Response.WriteAsync("first;");
            await ctx.Response.Body.FlushAsync();
            await release.Task.WaitAsync(ctx.RequestAborted);
            await ctx.Response.WriteAsync("second");
            if (ctx.Response.SupportsTrailers()) ctx.Response.AppendTrailer("x-end", "done");
        }, http2Only: http2);
        await using var gw = await StartAsync(backend, http2);

        using var response = await gw.Client.SendAsync(Request(HttpMethod.Get, http2), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first;", Encoding.ASCII.GetString(buffer, 0, read));

        release.SetResult();
        Assert.Equal("second", await new StreamReader(stream).ReadToEndAsync());
        Assert.Equal(http2 ? "done" : null, response.TrailingHeaders.TryGetValues("x-end", out var end) ? end.Single() : null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Forward_ClientPausesMidRequestBody_BackendGetsFirstPartBeforeTheRest(bool http2)
    {
        var firstPartSeen = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync("v1", async ctx =>
        {
            var buffer = new byte[5];
            await ctx.Request.Body.ReadExactlyAsync(buffer);
            firstPartSeen.TrySetResult();
            var rest = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await ctx.Response.WriteAsync(Encoding.ASCII.GetString(buffer) + rest);
        }, http2Only: http2);
        await using var gw = await StartAsync(backend, http2);

        using var request = Request(HttpMethod.Post, http2);
        using var content = new ProxySemanticsTests.GatedContent(firstPartSeen.Task);
        request.Content = content;
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("part1part2", await response.Content.ReadAsStringAsync());
    }

    /// <summary>HTTP/2: an h2c listener and an h2c backend. HTTP/1.1: the Kestrel engine instead of the fast path.</summary>
    private static async Task<GatewayTestHost> StartAsync(TestBackend backend, bool http2)
    {
        var config = Configs.TwoVersions(backend.Address, 1, backend.Address, 0);
        if (!http2) return await GatewayTestHost.StartAsync(config, fastPath: false);
        var service = config.Services[0];
        return await GatewayTestHost.StartAsync(config with
        {
            Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }],
            Services = [service with { Versions = [.. service.Versions.Select(v => v with { Protocol = UpstreamProtocol.Http2 })] }],
        });
    }

    private static HttpRequestMessage Request(HttpMethod method, bool http2) =>
        new(method, "/") { Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
}
