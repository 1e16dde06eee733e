namespace Canaria.Gateway.Config;

/// <summary>
/// What a listener speaks to clients. <see cref="Http1AndHttp2"/> (the default): with TLS, HTTP/2 or HTTP/1.1 as the
/// client asks by ALPN; without TLS, HTTP/1.1 only, since Kestrel cannot serve HTTP/2 with prior knowledge (h2c, what
/// gRPC clients send on http://) and HTTP/1.1 on one cleartext port. A cleartext gRPC or h2c listener says
/// <see cref="Http2"/>.
/// </summary>
internal enum ListenerProtocols
{
    Http1AndHttp2,
    Http1,
    Http2,
}
