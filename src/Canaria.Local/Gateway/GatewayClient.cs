using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Canaria.Gateway.Config;
using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;

namespace Canaria.Local.Gateway;

/// <summary>
/// The controller's connection to its gateway process: HTTP over the gateway's 0600 Unix socket with the state
/// directory's token. Every call answers null when the gateway cannot be reached (the caller decides what that means)
/// and keeps the reason in <see cref="LastError"/>; it never throws for an unreachable or misbehaving gateway.
/// </summary>
internal sealed class GatewayClient : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(15);
    private readonly HttpClient _http;

    public GatewayClient(string socketPath, string token)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://gateway/"), Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public string SocketPath { get; }

    public string? LastError { get; private set; }

    public Task<GatewayHealth?> HealthAsync(CancellationToken ct) => GetJsonAsync<GatewayHealth>("healthz", ct);

    public Task<GatewayTotalsReply?> TotalsAsync(CancellationToken ct) => GetJsonAsync<GatewayTotalsReply>("totals", ct);

    public Task<IReadOnlyList<SignalsRow>?> SignalsAsync(TimeSpan window, string service, CancellationToken ct) =>
        GetJsonAsync<IReadOnlyList<SignalsRow>>($"signals?window={(int)Math.Ceiling(window.TotalSeconds)}s&service={Uri.EscapeDataString(service)}", ct);

    /// <summary>The config the gateway serves now.</summary>
    public async Task<GatewayConfig?> ConfigAsync(CancellationToken ct)
    {
        var text = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "config"), ReadTimeout,
            ReadTextAsync, ct).ConfigureAwait(false);
        return text is null ? null : GatewayConfigLoader.ParseJson(text).Config;
    }

    public async Task<string?> MetricsAsync(CancellationToken ct) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "metrics"), ReadTimeout, ReadTextAsync, ct).ConfigureAwait(false);

    private static async Task<string?> ReadTextAsync(HttpResponseMessage response, CancellationToken ct) =>
        response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false) : null;

    public Task<GatewayMark?> MarkAsync(MarkRequest mark, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, "marks") { Content = JsonContent.Create(mark, options: ManagedAdminEndpoints.Json) }, ReadTimeout,
            (r, t) => r.IsSuccessStatusCode ? r.Content.ReadFromJsonAsync<GatewayMark>(ManagedAdminEndpoints.Json, t) : Task.FromResult<GatewayMark?>(null), ct);

    /// <summary>Pushes a whole config; the gateway validates, binds and swaps it, or rejects it and keeps the live one.</summary>
    public Task<ConfigApplyResult?> ApplyAsync(GatewayConfig config, CancellationToken ct)
    {
        var body = new StringContent(GatewayConfigJson.Serialize(config), Encoding.UTF8, "application/json");
        return SendAsync(new HttpRequestMessage(HttpMethod.Put, "config") { Content = body }, ApplyTimeout, async (r, t) =>
        {
            var reply = await r.Content.ReadFromJsonAsync<ApplyReply>(ManagedAdminEndpoints.Json, t).ConfigureAwait(false);
            return reply is null ? null : new ConfigApplyResult(reply.Accepted, reply.Errors ?? []);
        }, ct);
    }

    private Task<T?> GetJsonAsync<T>(string path, CancellationToken ct) where T : class =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ReadTimeout,
            (r, t) => r.IsSuccessStatusCode ? r.Content.ReadFromJsonAsync<T>(ManagedAdminEndpoints.Json, t) : Task.FromResult<T?>(null), ct);

    private async Task<T?> SendAsync<T>(HttpRequestMessage request, TimeSpan timeout, Func<HttpResponseMessage, CancellationToken, Task<T?>> read, CancellationToken ct) where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using (request)
            using (var response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false))
            {
                var value = await read(response, deadline.Token).ConfigureAwait(false);
                LastError = value is null ? $"the gateway answered {(int)response.StatusCode} to {request.Method} /{request.RequestUri}" : null;
                return value;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or JsonException or NotSupportedException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LastError = e is OperationCanceledException ? $"the gateway did not answer within {timeout.TotalSeconds:0} s" : e.Message;
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed record ApplyReply(bool Accepted, IReadOnlyList<ConfigError>? Errors);
}
