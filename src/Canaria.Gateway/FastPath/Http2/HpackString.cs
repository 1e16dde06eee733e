namespace Canaria.Gateway.FastPath.Http2;

/// <summary>Where one string literal (RFC 7541 §5.2) lies in a header block, before it is decoded.</summary>
internal readonly record struct HpackString(int Start, int Length, bool Huffman)
{
    /// <summary>Scratch bytes its decoding needs: none for a plain string (it is used in place), else the longest Huffman output.</summary>
    public int DecodedBound => Huffman ? (int)(Length * 8L / 5) : 0;

    /// <summary>The string's bytes: a slice of <paramref name="block"/>, or its Huffman decoding written to <paramref name="scratch"/>.</summary>
    public HpackError Decode(ReadOnlySpan<byte> block, Span<byte> scratch, out ReadOnlySpan<byte> text)
    {
        var raw = block.Slice(Start, Length);
        if (!Huffman)
        {
            text = raw;
            return HpackError.None;
        }

        // StringTooLong: the output does not fit the room the decoder gave it (see HpackDecoder.Literal).
        var error = Http2.Huffman.Decode(raw, scratch, out var written);
        text = scratch[..written];
        return error;
    }
}
