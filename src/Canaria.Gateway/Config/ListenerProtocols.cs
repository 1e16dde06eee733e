namespace Canaria.Gateway.Config;

/// <summary>
/// What a listener speaks to clients. <see cref="Http1AndHttp2"/> (the default): with TLS, HTTP/2 or HTTP/1.1 as the
/// client asks by ALPN; without TLS, HTTP/1.1 and HTTP/2 with prior knowledge (h2c, what gRPC clients send on http://)
/// on the fast path, which hands h2c to an HTTP/2-only Kestrel server. With the Kestrel engine
/// (CANARIA_GATEWAY_ENGINE=kestrel) a cleartext listener serves HTTP/1.1 only (Kestrel answers h2c there with
/// HTTP_1_1_REQUIRED), so a cleartext gRPC or h2c listener says <see cref="Http2"/>.
/// </summary>
internal enum ListenerProtocols
{
    Http1AndHttp2,
    Http1,
    Http2,
}
