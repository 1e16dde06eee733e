using System.Net;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Forwarding;

/// <summary>
/// Bodies are streamed, never buffered, on every engine: the fast path, the Kestrel engine over HTTP/1.1 and HTTP/2 end
/// to end. The Kestrel path sends a chunk on without waiting only when the next one is not there yet, so a body that
/// pauses mid-way must still reach the other side up to the pause.
/// </summary>
public sealed class BodyStreamingTests
{
    public static TheoryData<string> Engines => ["fast", "kestrel", "http2"];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Forward_UpstreamPausesMidResponse_ClientGetsFirstChunkBeforeTheRestAndTheTrailers(string engine)
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Response.WriteAsync("first;");
            await ctx.Response.Body.FlushAsync();
            await release.Task.WaitAsync(ctx.RequestAborted);
            await ctx.Response.WriteAsync("second");
            if (ctx.Response.SupportsTrailers()) ctx.Response.AppendTrailer("x-end", "done");
        }, http2Only: engine == "http2");
        await using var gw = await StartAsync(backend, engine);

        using var response = await gw.Client.SendAsync(Request(HttpMethod.Get, engine), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first;", Encoding.ASCII.GetString(buffer, 0, read));

        release.SetResult();
        Assert.Equal("second", await new StreamReader(stream).ReadToEndAsync());
        if (engine == "http2") Assert.Equal("done", response.TrailingHeaders.GetValues("x-end").Single());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Forward_ClientPausesMidRequestBody_BackendGetsFirstPartBeforeTheRest(string engine)
    {
        var firstPartSeen = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync("v1", async ctx =>
        {
            var buffer = new byte[5];
            await ctx.Request.Body.ReadExactlyAsync(buffer);
            firstPartSeen.TrySetResult();
            var rest = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await ctx.Response.WriteAsync(Encoding.ASCII.GetString(buffer) + rest);
        }, http2Only: engine == "http2");
        await using var gw = await StartAsync(backend, engine);

        using var request = Request(HttpMethod.Post, engine);
        using var content = new GatedContent(firstPartSeen.Task);
        request.Content = content;
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("part1part2", await response.Content.ReadAsStringAsync());
    }

    /// <summary>fast: the default plain-HTTP listener; kestrel: the Kestrel engine instead; http2: an h2c listener and an h2c backend.</summary>
    private static async Task<GatewayTestHost> StartAsync(TestBackend backend, string engine)
    {
        var config = Configs.TwoVersions(backend.Address, 1, backend.Address, 0);
        if (engine != "http2") return await GatewayTestHost.StartAsync(config, fastPath: engine == "fast");
        var service = config.Services[0];
        return await GatewayTestHost.StartAsync(config with
        {
            Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }],
            Services = [service with { Versions = [.. service.Versions.Select(v => v with { Protocol = UpstreamProtocol.Http2 })] }],
        });
    }

    private static HttpRequestMessage Request(HttpMethod method, string engine) =>
        new(method, "/") { Version = engine == "http2" ? HttpVersion.Version20 : HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    /// <summary>Sends "part1", then waits until the backend has read it before sending "part2".</summary>
    private sealed class GatedContent(Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync("part1"u8.ToArray());
            await stream.FlushAsync();
            await gate.WaitAsync(TimeSpan.FromSeconds(10));
            await stream.WriteAsync("part2"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
