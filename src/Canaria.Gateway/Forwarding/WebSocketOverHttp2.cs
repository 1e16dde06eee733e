using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// WebSocket over HTTP/2 (RFC 8441): a client's extended CONNECT with <c>:protocol websocket</c> goes to the upstream as
/// the HTTP/1.1 handshake (RFC 6455: GET, Upgrade, a fresh Sec-WebSocket-Key); the upstream's 101, its
/// Sec-WebSocket-Accept checked against that key, becomes the client's 200, and the frames are then tunnelled
/// untouched (both protocols carry the same frames).
/// </summary>
internal static class WebSocketOverHttp2
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The request's extended CONNECT feature when it opens a WebSocket over HTTP/2, else null.</summary>
    public static IHttpExtendedConnectFeature? Detect(HttpContext context) =>
        context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)
            ? connect
            : null;

    /// <summary>Adds the HTTP/1.1 handshake headers to the upstream request; returns the key it sent.</summary>
    public static string AddHandshake(HttpRequestMessage request)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", key);
        if (!request.Headers.Contains("Sec-WebSocket-Version")) request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        return key;
    }

    /// <summary>Whether the upstream's 101 answers this key (else it is not a WebSocket server, or a broken one).</summary>
    public static bool AcceptMatches(HttpResponseMessage response, string key)
    {
#pragma warning disable CA5350 // RFC 6455 defines Sec-WebSocket-Accept with SHA-1; it is a handshake check, not security.
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        return response.Headers.NonValidated.TryGetValues("Sec-WebSocket-Accept", out var accept) && accept.ToString() == expected;
    }
}
