using System.Net.WebSockets;
using System.Text;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Protocols;

/// <summary>WebSocket (HTTP/1.1 Upgrade) tunnelled through the gateway both ways, with the canary split and stickiness.</summary>
public sealed class WebSocketTests
{
    [Fact]
    public async Task WebSocket_EchoThroughStickyCanarySplit_SplitsExactlyAndPinnedClientsStay()
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx => EchoAsync(ctx, "v1"));
        await using var v2 = await TestBackend.StartAsync("v2", ctx => EchoAsync(ctx, "v2"));
        var config = Configs.TwoVersions(v1.Address, 50, v2.Address, 50, s => s with { Sticky = new StickyConfig { Enabled = true, CookieName = "canary" } });
        await using var gw = await GatewayTestHost.StartAsync(config);
        var uri = new Uri($"ws://{gw.Client.BaseAddress!.Authority}/chat");

        var served = new List<string>();
        string? pin = null;
        for (var i = 0; i < 20; i++)
        {
            using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
            await socket.ConnectAsync(uri, CancellationToken.None);
            var version = await RoundTripAsync(socket, $"hello {i}");
            served.Add(version);
            if (socket.HttpResponseHeaders?.TryGetValue("Set-Cookie", out var cookie) == true)
            {
                Assert.Equal("v2", version);
                pin = cookie.First().Split(';')[0];
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        Assert.Equal(10, served.Count(v => v == "v2"));
        Assert.NotNull(pin);
        for (var i = 0; i < 10; i++)
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Cookie", pin);
            await socket.ConnectAsync(uri, CancellationToken.None);
            Assert.Equal("v2", await RoundTripAsync(socket, "again"));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        await Wait.UntilAsync(() => gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Requests == 20, TimeSpan.FromSeconds(10), "every v2 session to be counted once");
        Assert.Equal(0, gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Failures);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WebSocket_OverHttp2ExtendedConnect_EchoedThroughExactSplitAndCountedOnce(bool http2OnlyListener)
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx => EchoAsync(ctx, "v1"));
        await using var v2 = await TestBackend.StartAsync("v2", ctx => EchoAsync(ctx, "v2"));
        var config = Configs.TwoVersions(v1.Address, 50, v2.Address, 50);
        if (http2OnlyListener) config = config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }] };

        // A listener that also speaks HTTP/1.1 gets h2c only on the fast path (which hands it to its HTTP/2 server).
        await using var gw = await GatewayTestHost.StartAsync(config, fastPath: http2OnlyListener ? null : true);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        var uri = new Uri($"ws://{gw.Client.BaseAddress!.Authority}/chat");

        var served = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var socket = new ClientWebSocket();
            socket.Options.HttpVersion = System.Net.HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionExact;
            socket.Options.CollectHttpResponseDetails = true;
            await socket.ConnectAsync(uri, invoker, CancellationToken.None);
            Assert.Equal(System.Net.HttpStatusCode.OK, socket.HttpStatusCode); // RFC 8441: 200, not 101
            served.Add(await RoundTripAsync(socket, $"hello {i}"));
            Assert.Equal(served[^1], await RoundTripAsync(socket, "again"));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }

        Assert.Equal(5, served.Count(v => v == "v2"));
        await Wait.UntilAsync(
            () => gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Requests + gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Requests == 10,
            TimeSpan.FromSeconds(10), "every session to be counted once");
        Assert.Equal(0, gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1)).Failures + gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromMinutes(1)).Failures);
    }

    [Fact]
    public async Task WebSocket_BackendClosesMidSession_ClientSeesTheCloseAndGatewayKeepsServing()
    {
        await using var v1 = await TestBackend.StartAsync("v1", async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                return;
            }

            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            await ws.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "go away", CancellationToken.None);
        });
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{gw.Client.BaseAddress!.Authority}/"), CancellationToken.None);

        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        using var plain = await gw.Client.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.UpgradeRequired, plain.StatusCode);
    }

    private static async Task<string> RoundTripAsync(ClientWebSocket socket, string message)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
        var parts = text.Split('|');
        Assert.Equal(message, parts[1]);
        return parts[0];
    }

    /// <summary>Echoes each text message back as "version|message" until the client closes.</summary>
    private static async Task EchoAsync(HttpContext context, string version)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using var ws = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[256];
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            await ws.SendAsync(Encoding.UTF8.GetBytes($"{version}|{Encoding.UTF8.GetString(buffer, 0, result.Count)}"), WebSocketMessageType.Text, true, CancellationToken.None);
        }
    }
}
