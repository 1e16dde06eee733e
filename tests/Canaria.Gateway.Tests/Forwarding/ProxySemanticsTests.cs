using System.Net;
using System.Text;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Forwarding;

public sealed class ProxySemanticsTests
{
    [Fact]
    public async Task Forward_Headers_AddsForwardedHeadersAndDropsHopByHop()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v2.Address, 0));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/path?q=1");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("X-Private-Hop", "secret");
        request.Headers.Connection.Add("X-Private-Hop");
        request.Headers.Add("X-End-To-End", "kept");
        using var response = await gw.Client.SendAsync(request);

        var seen = v1.LastHeaders!;
        Assert.Equal("10.0.0.1, 127.0.0.1", seen["X-Forwarded-For"].ToString());
        Assert.Equal("http", seen["X-Forwarded-Proto"].ToString());
        Assert.Equal(gw.Client.BaseAddress!.Authority, seen["X-Forwarded-Host"].ToString());
        Assert.Equal("kept", seen["X-End-To-End"].ToString());
        Assert.False(seen.ContainsKey("X-Private-Hop"));
        Assert.Equal("v1", response.Headers.GetValues("x-canaria-version").Single());
    }

    [Fact]
    public async Task Forward_VersionHeaderOff_NoVersionHeader()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0) with { VersionHeader = null };
        await using var gw = await GatewayTestHost.StartAsync(config);

        using var response = await gw.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-canaria-version"));
    }

    [Fact]
    public async Task Forward_ResponseBody_IsStreamedNotBuffered()
    {
        var release = new TaskCompletionSource();
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Response.WriteAsync("first;");
            await ctx.Response.Body.FlushAsync();
            await release.Task.WaitAsync(ctx.RequestAborted);
            await ctx.Response.WriteAsync("second");
        });
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));

        using var response = await gw.Client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("first;", Encoding.ASCII.GetString(buffer, 0, read));

        release.SetResult();
        Assert.Equal("second", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Forward_RequestBody_IsStreamedNotBuffered()
    {
        var firstPartSeen = new TaskCompletionSource();
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            var buffer = new byte[5];
            await ctx.Request.Body.ReadExactlyAsync(buffer);
            firstPartSeen.TrySetResult();
            var rest = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await ctx.Response.WriteAsync(Encoding.ASCII.GetString(buffer) + rest);
        });
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));

        using var content = new GatedContent(firstPartSeen.Task);
        using var response = await gw.Client.PostAsync("/", content);

        Assert.Equal("part1part2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forward_LargeBodies_RoundTripIntact()
    {
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            ctx.Response.ContentType = ctx.Request.ContentType;
            await ctx.Request.Body.CopyToAsync(ctx.Response.Body);
        });
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        var payload = new byte[3 * 1024 * 1024 + 17];
        new Random(1).NextBytes(payload);

        using var response = await gw.Client.PostAsync("/upload", new ByteArrayContent(payload));

        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Sends "part1", then waits until the backend has read it before sending "part2".</summary>
    internal sealed class GatedContent(Task gate) : HttpContent
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
