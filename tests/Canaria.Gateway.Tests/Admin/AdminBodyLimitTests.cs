using System.Net;
using Canaria.Gateway.Tests.Support;
using Canaria.Tests.Shared;

namespace Canaria.Gateway.Tests.Admin;

public sealed class AdminBodyLimitTests
{
    [Fact]
    public async Task PutConfig_20MBChunkedBody_Fast413AndGatewayKeepsServing()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        var generation = gw.Runtime.Generation;

        var answer = await ChunkedUpload.SendAsync(gw.Host.AdminAddress!, "PUT", "/config", GatewayTestHost.Token, 20L * 1024 * 1024, (byte)'[');

        Assert.True(answer.Error is null, answer.Error);
        Assert.Equal(413, answer.Status);
        Assert.Contains("config larger than", answer.Body, StringComparison.Ordinal);
        Assert.True(answer.Elapsed < TimeSpan.FromSeconds(5), $"answered after {answer.Elapsed}");
        Assert.Equal(generation, gw.Runtime.Generation);
        var (_, byStatus) = await gw.SendManyAsync(20, concurrency: 2);
        Assert.Equal(20, byStatus.GetValueOrDefault(HttpStatusCode.OK));
    }

    [Fact]
    public async Task PutConfig_SmallChunkedBodyOfNestedBrackets_Fast400WithDepthMessage()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));

        var answer = await ChunkedUpload.SendAsync(gw.Host.AdminAddress!, "PUT", "/config", GatewayTestHost.Token, 200 * 1024, (byte)'[');

        Assert.True(answer.Error is null, answer.Error);
        Assert.Equal(400, answer.Status);
        Assert.Contains("deeper than 64 levels", answer.Body, StringComparison.Ordinal);
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }
}
