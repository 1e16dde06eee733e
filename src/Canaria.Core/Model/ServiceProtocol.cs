namespace Canaria.Core.Model;

/// <summary>
/// What a local service speaks. <see cref="Http"/>: HTTP/1.1 to the versions, and clients may use HTTP/2 when the
/// listener has TLS. <see cref="Http2"/> and <see cref="Grpc"/>: HTTP/2 end to end (h2c to the versions, and on a
/// listener without TLS, HTTP/2 with prior knowledge only); gRPC also reads <c>grpc-status</c> as success or failure.
/// </summary>
internal enum ServiceProtocol
{
    Http,
    Http2,
    Grpc,
}
