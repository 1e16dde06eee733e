using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProtocolBench;

/// <summary>One backend process: gRPC on an HTTP/2-only cleartext port, a WebSocket echo ("name|message") and GET /calls (gRPC calls answered) on an HTTP/1.1 port.</summary>
internal static class Backend
{
    public static async Task RunAsync(string name, int grpcPort, int wsPort)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(IPAddress.Loopback, wsPort, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new EchoName(name));
        var app = builder.Build();
        app.UseWebSockets();
        app.UseRouting();
        app.MapGrpcService<EchoService>();
        var prefix = System.Text.Encoding.ASCII.GetBytes(name + "|");
        // The bench reads this before and after a run: h2load cannot read grpc-status, so a gRPC error answered with HTTP
        // 200 (a proxy's own UNAVAILABLE) would pass as a call; what the backends answered cannot.
        app.MapGet("/calls", () => EchoService.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        app.MapGet("/", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await context.Response.WriteAsync(name);
                return;
            }

            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            prefix.CopyTo(buffer, 0);
            while (true)
            {
                var read = await ws.ReceiveAsync(buffer.AsMemory(prefix.Length), CancellationToken.None);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await ws.SendAsync(buffer.AsMemory(0, prefix.Length + read.Count), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        });
        await app.RunAsync();
    }
}
