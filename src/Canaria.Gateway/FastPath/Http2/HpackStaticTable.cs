namespace Canaria.Gateway.FastPath.Http2;

/// <summary>The 61 entries of HPACK's static table (RFC 7541 Appendix A), indexed from 1.</summary>
internal static class HpackStaticTable
{
    public const int Count = 61;

    /// <summary>Name of entry <paramref name="index"/> (1..<see cref="Count"/>).</summary>
    public static ReadOnlySpan<byte> Name(int index) => index switch
    {
        1 => ":authority"u8,
        2 => ":method"u8,
        3 => ":method"u8,
        4 => ":path"u8,
        5 => ":path"u8,
        6 => ":scheme"u8,
        7 => ":scheme"u8,
        8 => ":status"u8,
        9 => ":status"u8,
        10 => ":status"u8,
        11 => ":status"u8,
        12 => ":status"u8,
        13 => ":status"u8,
        14 => ":status"u8,
        15 => "accept-charset"u8,
        16 => "accept-encoding"u8,
        17 => "accept-language"u8,
        18 => "accept-ranges"u8,
        19 => "accept"u8,
        20 => "access-control-allow-origin"u8,
        21 => "age"u8,
        22 => "allow"u8,
        23 => "authorization"u8,
        24 => "cache-control"u8,
        25 => "content-disposition"u8,
        26 => "content-encoding"u8,
        27 => "content-language"u8,
        28 => "content-length"u8,
        29 => "content-location"u8,
        30 => "content-range"u8,
        31 => "content-type"u8,
        32 => "cookie"u8,
        33 => "date"u8,
        34 => "etag"u8,
        35 => "expect"u8,
        36 => "expires"u8,
        37 => "from"u8,
        38 => "host"u8,
        39 => "if-match"u8,
        40 => "if-modified-since"u8,
        41 => "if-none-match"u8,
        42 => "if-range"u8,
        43 => "if-unmodified-since"u8,
        44 => "last-modified"u8,
        45 => "link"u8,
        46 => "location"u8,
        47 => "max-forwards"u8,
        48 => "proxy-authenticate"u8,
        49 => "proxy-authorization"u8,
        50 => "range"u8,
        51 => "referer"u8,
        52 => "refresh"u8,
        53 => "retry-after"u8,
        54 => "server"u8,
        55 => "set-cookie"u8,
        56 => "strict-transport-security"u8,
        57 => "transfer-encoding"u8,
        58 => "user-agent"u8,
        59 => "vary"u8,
        60 => "via"u8,
        61 => "www-authenticate"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Value of entry <paramref name="index"/> (1..<see cref="Count"/>); empty for most.</summary>
    public static ReadOnlySpan<byte> Value(int index) => index switch
    {
        2 => "GET"u8,
        3 => "POST"u8,
        4 => "/"u8,
        5 => "/index.html"u8,
        6 => "http"u8,
        7 => "https"u8,
        8 => "200"u8,
        9 => "204"u8,
        10 => "206"u8,
        11 => "304"u8,
        12 => "400"u8,
        13 => "404"u8,
        14 => "500"u8,
        16 => "gzip, deflate"u8,
        _ => [],
    };

    // For the encoder's lookups: names and values as arrays (index 0 unused), and per name length the first index of each
    // distinct name of that length (entries sharing a name are adjacent), so a lookup compares a handful of names at most.
    private static readonly byte[][] Names = [[], .. Enumerable.Range(1, Count).Select(i => Name(i).ToArray())];
    private static readonly byte[][] Values = [[], .. Enumerable.Range(1, Count).Select(i => Value(i).ToArray())];
    private static readonly int[][] FirstIndexByLength = [.. Enumerable.Range(0, Names.Max(n => n.Length) + 1)
        .Select(length => Enumerable.Range(1, Count).Where(i => Names[i].Length == length && !Names[i].AsSpan().SequenceEqual(Names[i - 1])).ToArray())];

    /// <summary>
    /// The index of the entry holding <paramref name="name"/> and <paramref name="value"/>, or 0; <paramref name="nameIndex"/>
    /// is the first entry with that name, or 0.
    /// </summary>
    public static int Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out int nameIndex)
    {
        nameIndex = 0;
        if (name.Length >= FirstIndexByLength.Length)
        {
            return 0;
        }

        foreach (var first in FirstIndexByLength[name.Length])
        {
            if (!Names[first].AsSpan().SequenceEqual(name))
            {
                continue;
            }

            nameIndex = first;
            for (var index = first; index <= Count && Names[index].AsSpan().SequenceEqual(name); index++)
            {
                if (Values[index].AsSpan().SequenceEqual(value))
                {
                    return index;
                }
            }

            return 0;
        }

        return 0;
    }
}
