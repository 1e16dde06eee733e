namespace Canaria.Gateway.FastPath.Http2;

/// <summary>HPACK's prefixed integers (RFC 7541 §5.1).</summary>
internal static class HpackInteger
{
    /// <summary>The most bytes <see cref="Write"/> needs for any non-negative int.</summary>
    public const int MaxLength = 6;

    /// <summary>
    /// Reads the integer whose first byte is <c>block[pos]</c>, using its low <paramref name="prefixBits"/> bits, and moves
    /// <paramref name="pos"/> past it. A block that ends inside it, a value over <see cref="int.MaxValue"/>, or more than
    /// five continuation bytes is <see cref="HpackError.Malformed"/>.
    /// </summary>
    public static HpackError Read(ReadOnlySpan<byte> block, ref int pos, int prefixBits, out int value)
    {
        value = 0;
        var mask = (1 << prefixBits) - 1;
        var first = block[pos++] & mask;
        if (first < mask)
        {
            value = first;
            return HpackError.None;
        }

        long sum = mask;
        for (var shift = 0; ; shift += 7)
        {
            if (pos >= block.Length || shift > 28)
            {
                return HpackError.Malformed;
            }

            var b = block[pos++];
            sum += (long)(b & 0x7f) << shift;
            if (sum > int.MaxValue)
            {
                return HpackError.Malformed;
            }

            if ((b & 0x80) == 0)
            {
                value = (int)sum;
                return HpackError.None;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> (≥ 0) with a <paramref name="prefixBits"/>-bit prefix; <paramref name="flags"/> are the
    /// first byte's bits above the prefix. <paramref name="destination"/> needs <see cref="MaxLength"/> bytes; returns the count written.
    /// </summary>
    public static int Write(Span<byte> destination, int value, int prefixBits, byte flags)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            destination[0] = (byte)(flags | value);
            return 1;
        }

        destination[0] = (byte)(flags | mask);
        var rest = (uint)(value - mask);
        var n = 1;
        while (rest >= 0x80)
        {
            destination[n++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        destination[n++] = (byte)rest;
        return n;
    }
}
