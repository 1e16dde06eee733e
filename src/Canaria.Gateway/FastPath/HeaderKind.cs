namespace Canaria.Gateway.FastPath;

/// <summary>The few header names the fast path acts on; every other header is <see cref="Other"/> and is forwarded verbatim.</summary>
internal enum HeaderKind : byte
{
    Other,
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    Upgrade,
    Expect,
    Cookie,

    /// <summary>Keep-Alive, Proxy-Connection, TE, Trailer, Proxy-Authenticate, Proxy-Authorization: never forwarded.</summary>
    HopByHop,

    /// <summary>Any X-Forwarded-*: dropped from requests, the gateway writes its own.</summary>
    Forwarded,

    /// <summary>The configured version header (responses only): replaced by the gateway's.</summary>
    Version,
}
