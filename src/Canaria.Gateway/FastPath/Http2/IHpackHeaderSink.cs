namespace Canaria.Gateway.FastPath.Http2;

/// <summary>Receives the fields of one header block as <see cref="HpackDecoder"/> decodes them.</summary>
internal interface IHpackHeaderSink
{
    /// <summary>
    /// One decoded field. Spans are valid only during the call. Names come as received (HTTP/2 requires lower case;
    /// the caller validates that, not the decoder). <paramref name="neverIndexed"/>: the sender encoded it as a
    /// never-indexed literal (RFC 7541 §6.2.3); an intermediary must encode it so again (§7.1.3).
    /// </summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed);
}
