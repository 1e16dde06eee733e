using System.Buffers.Binary;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// HPACK's Huffman code (RFC 7541 §5.2, Appendix B). Decoding is table-driven: a 512-entry table resolves every code of up
/// to 9 bits (all the letters, digits and common punctuation) with one lookup; the rare longer codes are found with the
/// code's canonical order (codes of one length are consecutive numbers, shorter codes sort first), one compare per length.
/// Bits come from a 64-bit window refilled eight bytes at a time, never bit by bit.
/// </summary>
internal static class Huffman
{
    private const int PrimaryBits = 9;
    private const int MaxCodeLength = 30;

    // Per code of ≤ PrimaryBits bits, every PrimaryBits-bit index that starts with it: symbol << 4 | length; 0 = longer code.
    private static readonly ushort[] Primary = new ushort[1 << PrimaryBits];

    // Canonical decoding of the longer codes: per length, the first code, how many codes, and where in Sorted they start.
    private static readonly uint[] FirstCode = new uint[MaxCodeLength + 1];
    private static readonly int[] CodeCount = new int[MaxCodeLength + 1];
    private static readonly int[] FirstSymbol = new int[MaxCodeLength + 1];
    private static readonly ushort[] Sorted = new ushort[HuffmanCodes.Eos + 1];

#pragma warning disable CA1810 // the tables are computed, not listed: a static constructor is the clearest place
    static Huffman()
#pragma warning restore CA1810
    {
        var codes = HuffmanCodes.Codes;
        var lengths = HuffmanCodes.Lengths;
        var next = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            FirstSymbol[length] = next;
            for (var symbol = 0; symbol <= HuffmanCodes.Eos; symbol++)
            {
                if (lengths[symbol] != length)
                {
                    continue;
                }

                if (CodeCount[length]++ == 0)
                {
                    FirstCode[length] = codes[symbol];
                }

                Sorted[next++] = (ushort)symbol;
                if (length <= PrimaryBits)
                {
                    var start = (int)(codes[symbol] << (PrimaryBits - length));
                    Primary.AsSpan(start, 1 << (PrimaryBits - length)).Fill((ushort)((symbol << 4) | length));
                }
            }
        }
    }

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/>. <see cref="HpackError.BadHuffman"/> for EOS
    /// in the string, padding over 7 bits or padding that is not all ones; <see cref="HpackError.StringTooLong"/> if the
    /// output does not fit (a destination of <c>source.Length * 8 / 5</c> bytes always fits).
    /// </summary>
    public static HpackError Decode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        ulong window = 0; // unread bits, left-aligned
        var bits = 0;
        var next = 0;
        while (true)
        {
            if (bits < MaxCodeLength)
            {
                if (source.Length - next >= sizeof(ulong))
                {
                    // Eight bytes at once; only the whole bytes that fit count as read. The bits of the next byte that
                    // also land in the window are its true bits, so OR-ing it in again on the next refill changes nothing.
                    window |= BinaryPrimitives.ReadUInt64BigEndian(source[next..]) >> bits;
                    var whole = (64 - bits) >> 3;
                    next += whole;
                    bits += whole << 3;
                }
                else
                {
                    while (bits <= 56 && next < source.Length)
                    {
                        window |= (ulong)source[next++] << (56 - bits);
                        bits += 8;
                    }
                }
            }

            if (bits == 0)
            {
                return HpackError.None;
            }

            int symbol;
            var entry = Primary[(int)(window >> (64 - PrimaryBits))];
            var length = entry & 0xf;
            if (length != 0 && length <= bits)
            {
                symbol = entry >> 4;
            }
            else
            {
                symbol = LongCode(window, Math.Min(bits, MaxCodeLength), out length);
                if (symbol < 0)
                {
                    // Not a whole code: the rest must be the start of EOS (all ones), at most 7 bits of it.
                    return bits <= 7 && window >> (64 - bits) == (1UL << bits) - 1 ? HpackError.None : HpackError.BadHuffman;
                }

                if (symbol == HuffmanCodes.Eos)
                {
                    return HpackError.BadHuffman;
                }
            }

            if (written == destination.Length)
            {
                return HpackError.StringTooLong;
            }

            destination[written++] = (byte)symbol;
            window <<= length;
            bits -= length;
        }
    }

    private static int LongCode(ulong window, int maxLength, out int length)
    {
        for (length = PrimaryBits + 1; length <= maxLength; length++)
        {
            var offset = (uint)(window >> (64 - length)) - FirstCode[length];
            if (offset < (uint)CodeCount[length])
            {
                return Sorted[FirstSymbol[length] + (int)offset];
            }
        }

        return -1;
    }

    /// <summary>How many bytes <see cref="Encode"/> writes for <paramref name="source"/>.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> source)
    {
        var lengths = HuffmanCodes.Lengths;
        long bits = 0;
        foreach (var b in source)
        {
            bits += lengths[b];
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>Encodes <paramref name="source"/>, padding the last byte with ones; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var codes = HuffmanCodes.Codes;
        var lengths = HuffmanCodes.Lengths;
        ulong pending = 0; // the low `bits` bits are not yet written
        var bits = 0;
        var written = 0;
        foreach (var b in source)
        {
            pending = (pending << lengths[b]) | codes[b];
            bits += lengths[b];
            while (bits >= 8)
            {
                bits -= 8;
                destination[written++] = (byte)(pending >> bits);
            }
        }

        if (bits > 0)
        {
            destination[written++] = (byte)((pending << (8 - bits)) | (0xffu >> bits));
        }

        return written;
    }
}
