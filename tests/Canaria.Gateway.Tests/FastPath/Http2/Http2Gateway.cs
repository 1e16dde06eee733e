using Microsoft.AspNetCore.Http;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Grpc.Net.Client;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>Configs and clients for tests of the HTTP/2 fast path: gRPC services on a cleartext HTTP/2 listener.</summary>
internal static class Http2Gateway
{
    public static GatewayConfig Grpc(string stable, int w1, string canary, int w2, Func<ServiceConfig, ServiceConfig>? customize = null)
    {
        var config = Configs.TwoVersions(stable, w1, canary, w2, s =>
        {
            s = s with { Name = "echo", Grpc = new GrpcConfig() };
            s = s with { Versions = [s.Versions[0] with { Name = "stable" }, s.Versions[1] with { Name = "canary" }] };
            return customize is null ? s : customize(s);
        });
        return config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }] };
    }

    public static GrpcChannel Channel(GatewayTestHost gw, SocketsHttpHandler? handler = null) =>
        GrpcChannel.ForAddress(gw.Client.BaseAddress!, new GrpcChannelOptions { HttpHandler = handler ?? new SocketsHttpHandler() });

    public static Uri Listener(GatewayTestHost gw) => gw.Host.ListenerAddresses["main"];

    /// <summary>Waits until <paramref name="progress"/> is above 0 and unchanged between two looks 50 ms apart; returns it.</summary>
    public static async Task<long> UntilStalledAsync(Func<long> progress, string what)
    {
        long last = -1;
        await Wait.UntilAsync(() =>
        {
            var now = progress();
            var settled = now == last && now > 0;
            last = now;
            return settled;
        }, TimeSpan.FromSeconds(20), what);
        return last;
    }

    /// <summary>
    /// A gRPC backend that answers <c>stable:ok</c>, and to a call with <c>x-flood: 1</c> streams up to
    /// <paramref name="messages"/> messages of <paramref name="size"/> bytes, calling <paramref name="onWrite"/> after each
    /// (a client that reads none of them stalls it); a cancelled flood ends quietly.
    /// </summary>
    public static Task<TestBackend> FloodBackendAsync(int size, int messages, Action onWrite) => TestBackend.StartAsync("v1", async ctx =>
    {
        ctx.Response.ContentType = "application/grpc";
        if (ctx.Request.Headers["x-flood"] != "1")
        {
            await WriteGrpcMessageAsync(ctx.Response, "stable:ok"u8.ToArray(), ctx.RequestAborted);
            ctx.Response.AppendTrailer("grpc-status", "0");
            return;
        }

        var payload = new byte[size];
        try
        {
            for (var i = 0; i < messages; i++)
            {
                await WriteGrpcMessageAsync(ctx.Response, payload, ctx.RequestAborted);
                onWrite();
            }

            ctx.Response.AppendTrailer("grpc-status", "0");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }, http2Only: true);

    /// <summary>Writes one gRPC message frame (uncompressed) to the response body.</summary>
    public static async Task WriteGrpcMessageAsync(Microsoft.AspNetCore.Http.HttpResponse response, byte[] payload, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(1), payload.Length);
        await response.Body.WriteAsync(prefix, cancellationToken);
        await response.Body.WriteAsync(payload, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
