using System.Net;
using Canaria.Gateway.Config;
using Canaria.Gateway.Hosting;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Managed;

/// <summary>The listener handover between gateway processes, both ends in this process (SCM_RIGHTS works within one too).</summary>
public sealed class HandoverTests : IAsyncDisposable
{
    private const string Token = "handover-test-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-ho-").FullName;
    private GatewayHost? _host;
    private HandoverServer? _server;

    [Fact]
    public async Task TakeOver_ConfigLargerThanOneMessage_SuccessorGetsTheWholeConfigAndTheListeningSocket()
    {
        var config = ManyServices(400);
        Assert.True(GatewayConfigJson.Serialize(config).Length > SocketPassing.MaxPayloadBytes, "the config must not fit one handover message");
        var (host, path) = await StartAsync(config);

        using var successor = HandoverClient.TakeOver(path, Token, TimeSpan.FromSeconds(10));
        Assert.Equal(400, successor.Config!.Services.Count);
        Assert.Equal(GatewayConfigJson.Serialize(config), GatewayConfigJson.Serialize(successor.Config));
        var listener = Assert.Single(successor.Listeners);
        Assert.Equal("main", listener.Name);
        Assert.Equal(host.ListenerAddresses["main"].Port, ((IPEndPoint)listener.Socket.LocalEndPoint!).Port);
        foreach (var l in successor.Listeners) SocketPassing.Close(l.Socket);
    }

    [Fact]
    public async Task TakeOver_NotCommitted_ServingGatewayIsFrozenMeanwhileThenAcceptsConfigsAgain()
    {
        var config = ManyServices(2);
        var (host, path) = await StartAsync(config);
        var changed = config with { Services = [config.Services[0]] };

        using (var successor = HandoverClient.TakeOver(path, Token, TimeSpan.FromSeconds(10)))
        {
            var frozen = await host.Runtime.ApplyAsync(changed, CancellationToken.None);
            Assert.False(frozen.Accepted);
            Assert.Contains("handing its listeners", frozen.Errors.Single().Message, StringComparison.Ordinal);
            foreach (var l in successor.Listeners) SocketPassing.Close(l.Socket);
        }

        await Wait.UntilAsync(async () => (await host.Runtime.ApplyAsync(changed, CancellationToken.None)).Accepted, TimeSpan.FromSeconds(10), "the gateway to accept configs after an abandoned handover");
        Assert.False(_server!.HandedOver.IsCompleted);
    }

    [Fact]
    public async Task TakeOver_WrongToken_RefusedAndNothingFrozen()
    {
        var config = ManyServices(1);
        var (host, path) = await StartAsync(config);
        var error = Assert.Throws<IOException>(() => HandoverClient.TakeOver(path, "wrong", TimeSpan.FromSeconds(10)));
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.True((await host.Runtime.ApplyAsync(ManyServices(2), CancellationToken.None)).Accepted);
    }

    private async Task<(GatewayHost Host, string Path)> StartAsync(GatewayConfig config)
    {
        _host = await GatewayHost.StartAsync(new GatewayHostOptions { InitialConfig = config, AdminAddress = null }, CancellationToken.None);
        var path = Path.Combine(_dir, "handover.sock");
        _server = HandoverServer.Start(path, Token, _host, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return (_host, path);
    }

    private static GatewayConfig ManyServices(int count) => new()
    {
        Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
        Services = [.. Enumerable.Range(0, count).Select(i => new ServiceConfig
        {
            Name = $"service-{i}",
            Listener = "main",
            PathPrefix = $"/service-{i}/",
            Versions =
            [
                new VersionConfig { Name = "stable-version", Weight = 90, Endpoints = ["127.0.0.1:1", "127.0.0.1:2"] },
                new VersionConfig { Name = "canary-version", Weight = 10, Endpoints = ["127.0.0.1:3"] },
            ],
        })],
    };

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_host is not null) await _host.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
