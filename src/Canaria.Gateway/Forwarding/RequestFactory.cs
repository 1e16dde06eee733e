using System.Net;
using Canaria.Gateway.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// Builds the upstream request: same method, target and end-to-end headers, X-Forwarded-*, streamed body. HTTP/2
/// upstream (h2c) carries <c>TE: trailers</c> when the client sent it (gRPC needs it); an HTTP/1.1 Upgrade request
/// (WebSocket or any other) goes upstream over HTTP/1.1 with its <c>Upgrade</c> and <c>Connection: Upgrade</c>, and so
/// does an HTTP/2 WebSocket CONNECT, as a GET.
/// </summary>
internal static class RequestFactory
{
    /// <param name="websocket">An HTTP/2 WebSocket CONNECT: sent as the HTTP/1.1 handshake's GET, without a body (see <see cref="WebSocketOverHttp2"/>).</param>
    public static HttpRequestMessage Create(HttpContext context, EndpointState endpoint, Version upstreamVersion, bool upgrade, out StreamingRequestContent? content, bool websocket = false)
    {
        var source = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            target = source.PathBase.Add(source.Path).ToUriComponent() + source.QueryString.ToUriComponent();
        }

        var request = new HttpRequestMessage(websocket ? HttpMethod.Get : HttpMethod.Parse(source.Method), new Uri(endpoint.BaseUrl + target, UriKind.Absolute))
        {
            Version = upgrade || websocket ? HttpVersion.Version11 : upstreamVersion,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        content = !websocket && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
            ? new StreamingRequestContent(source.Body)
            : null;
        request.Content = content;

        var connection = source.Headers.Connection.ToString();
        foreach (var (name, values) in source.Headers)
        {
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsListedIn(connection, name)
                || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var added = values.Count == 1
                ? request.Headers.TryAddWithoutValidation(name, values.ToString())
                : request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            if (!added && content is not null)
            {
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (upgrade)
        {
            request.Headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string?>)source.Headers.Upgrade);
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        }
        else if (websocket)
        {
            request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        }
        else if (request.Version == HttpVersion.Version20 && IsTrailersOnly(source.Headers.TE.ToString()))
        {
            request.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        AddForwardedHeaders(context, request);
        return request;
    }

    private static bool IsTrailersOnly(string te) => te.Trim().Equals("trailers", StringComparison.OrdinalIgnoreCase);

    private static void AddForwardedHeaders(HttpContext context, HttpRequestMessage request)
    {
        var source = context.Request;
        var client = context.Connection.RemoteIpAddress;
        var prior = source.Headers["X-Forwarded-For"].ToString();
        if (client is not null)
        {
            var ip = client.IsIPv4MappedToIPv6 ? client.MapToIPv4().ToString() : client.ToString();
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", prior.Length == 0 ? ip : prior + ", " + ip);
        }
        else if (prior.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", prior);
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", source.Scheme);
        if (source.Host.HasValue)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", source.Host.Value);
        }
    }
}
