using System.Net.Sockets;

namespace Canaria.Local.Processes;

/// <summary>HTTP GET (HTTP/1.1, or h2c for HTTP/2 services; TCP connect when there is no path) readiness probes with their own client.</summary>
internal sealed class ReadinessProber : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>True when the replica answers 2xx/3xx within <paramref name="timeout"/>; never throws for a failed probe.</summary>
    public async Task<bool> ProbeAsync(int port, string? path, bool http2, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            if (path is null)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
                return true;
            }
            var target = new Uri($"http://127.0.0.1:{port}{(path.StartsWith('/') ? path : "/" + path)}");
            using var request = new HttpRequestMessage(HttpMethod.Get, target)
            {
                Version = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
