using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Builds the one pooled <see cref="SocketsHttpHandler"/> that carries all upstream traffic. The connect
/// timeout is per request (per service), enforced in the connect callback, and a timed-out connect is
/// reported as a connection error (so it counts as an unreachable endpoint, not a slow one).
/// </summary>
internal static class ForwarderClientFactory
{
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("canaria.connectTimeout");

    /// <summary>Used when a request carries no connect timeout (saves setting one per request).</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public static HttpMessageInvoker Create()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
            ConnectCallback = ConnectAsync,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : DefaultConnectTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timeoutSource.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} timed out after {timeout.TotalMilliseconds} ms", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
