using System.Net;
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
}
