namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Why a header block could not be decoded. Any value but <see cref="None"/> and <see cref="HeaderListTooLarge"/> ends
/// the connection with COMPRESSION_ERROR (RFC 9113 §4.3), because the dynamic table can no longer be trusted to match the
/// peer's.
/// </summary>
internal enum HpackError
{
    /// <summary>The block decoded completely.</summary>
    None,

    /// <summary>The block ends inside a field, or an integer is longer or larger than any sane peer sends (over 2^31 - 1).</summary>
    Malformed,

    /// <summary>An index is 0 or points past the static and dynamic tables.</summary>
    IndexOutOfRange,

    /// <summary>A Huffman string holds EOS, has more than 7 bits of padding, or padding that is not all ones (RFC 7541 §5.2).</summary>
    BadHuffman,

    /// <summary>A dynamic table size update came after the block's first field (RFC 7541 §4.2).</summary>
    TableSizeUpdateNotAllowed,

    /// <summary>A dynamic table size update asks for more than the SETTINGS_HEADER_TABLE_SIZE we advertised.</summary>
    TableSizeOverLimit,

    /// <summary>One string's encoded length is over the header list limit, so no field holding it could be accepted.</summary>
    StringTooLong,

    /// <summary>
    /// The fields' sizes (name + value + 32 each, RFC 9113 §6.5.2) add up to more than the header list limit. The only
    /// error after which the table still matches the peer's: the block was processed to its end, so the caller may
    /// refuse just this stream (431 or RST_STREAM) instead of ending the connection.
    /// </summary>
    HeaderListTooLarge,
}
