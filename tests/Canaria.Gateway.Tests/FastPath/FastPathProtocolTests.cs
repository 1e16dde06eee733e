using System.Net;
using System.Net.WebSockets;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>What a fast-path listener does with connections that are not plain request/response: upgrades, HTTP/2, draining.</summary>
public sealed class FastPathProtocolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Upgrade_WebSocketEchoThroughStickyCanary_TunnelledBothWaysAndPinned()
    {
        await using var v1 = await StartWebSocketEchoAsync("v1");
        await using var v2 = await StartWebSocketEchoAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 0, v2.Address, 1, s => s with { Sticky = new StickyConfig { Enabled = true } });
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: true);
        var listener = gw.Host.ListenerAddresses["main"];

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(new Uri($"ws://{listener.Authority}/chat"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal("v2", socket.HttpResponseHeaders!["x-canaria-version"].Single());
        Assert.Contains(socket.HttpResponseHeaders!["Set-Cookie"], c => c.StartsWith("canaria-version=v2", StringComparison.Ordinal));
        for (var i = 0; i < 3; i++)
        {
            var text = $"hello {i} " + new string('x', i * 40_000);
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal("v2:" + text, await ReceiveTextAsync(socket));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);

        // A session is recorded when its tunnel ends, which is just after the client sees the close handshake.
        await Wait.UntilAsync(() => gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Requests >= 1, Patience, "the session to be recorded");
        Assert.Equal(1, gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Requests);
    }

    [Fact]
    public async Task Http2PriorKnowledge_HandedToTheFullPath_ServedAndRouted()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);
        using var h2 = new HttpClient { BaseAddress = gw.Host.ListenerAddresses["main"] };

        using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        Assert.Equal("v1", response.Headers.GetValues("x-canaria-version").Single());
    }

    [Fact]
    public async Task Drain_AfterHandover_ResponsesCloseTheirConnections()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(v1.Address), fastPath: true);
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        Assert.DoesNotContain("Connection: close", await client.ReadResponseAsync(Patience));

        gw.Host.Listeners.StartDraining();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        var drained = await client.ReadToEndAsync(Patience);

        Assert.StartsWith("HTTP/1.1 200", drained);
        Assert.Contains("Connection: close", drained);
        Assert.EndsWith("\r\nv1\r\n0\r\n\r\n", drained);
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[256 * 1024];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            var r = await socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
            result = new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage);
            length += r.Count;
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static async Task<EchoServer> StartWebSocketEchoAsync(string name)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[256 * 1024];
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += r.Count;
                }
                while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await ws.SendAsync(Encoding.UTF8.GetBytes(name + ":" + Encoding.UTF8.GetString(buffer, 0, length)), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EchoServer(app, new Uri(url).Authority);
    }

    private sealed record EchoServer(WebApplication App, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
