namespace Canaria.Gateway.FastPath.Http2;

/// <summary>Which fields <see cref="HpackEncoder"/> keeps out of the dynamic table, by name (names are lower case in HTTP/2).</summary>
internal static class HpackFieldPolicy
{
    /// <summary>Credentials and session state: encoded "never indexed" (RFC 7541 §7.1.3).</summary>
    public static bool IsSensitive(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("authorization"u8) || name.SequenceEqual("proxy-authorization"u8)
        || name.SequenceEqual("cookie"u8) || name.SequenceEqual("set-cookie"u8);

    /// <summary>Fields whose value is new on nearly every message: indexing them would only evict the fields that repeat.</summary>
    public static bool ChangesPerMessage(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("grpc-timeout"u8) || name.SequenceEqual("content-length"u8) || name.SequenceEqual("date"u8)
        || name.SequenceEqual("x-request-id"u8) || name.SequenceEqual("traceparent"u8) || name.SequenceEqual("tracestate"u8)
        || name.SequenceEqual("grpc-trace-bin"u8) || name.SequenceEqual("etag"u8) || name.SequenceEqual("last-modified"u8);
}
