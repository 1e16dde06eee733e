namespace Canaria.Gateway.Config;

/// <summary>
/// What the gateway speaks to a version's endpoints (plain TCP, so HTTP/2 means h2c with prior knowledge).
/// Not set: <see cref="Http2"/> for a gRPC service (gRPC needs HTTP/2 end to end), else <see cref="Http1"/>, which every
/// backend speaks; an HTTP/1.1-only backend would refuse an h2c preface, so HTTP/2 is never guessed.
/// </summary>
internal enum UpstreamProtocol
{
    Http1,
    Http2,
}
