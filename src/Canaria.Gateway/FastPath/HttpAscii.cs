namespace Canaria.Gateway.FastPath;

/// <summary>Byte-level HTTP/1.1 grammar helpers (RFC 9110/9112) used by the fast path's parsers.</summary>
internal static class HttpAscii
{
    private static readonly bool[] TokenChars = BuildTokenChars();

    public static bool IsToken(byte b) => TokenChars[b];

    /// <summary>A field value byte: visible ASCII, space, tab or obs-text; never CR, LF or NUL.</summary>
    public static bool IsFieldValueByte(byte b) => b == (byte)'\t' || (b >= 0x20 && b != 0x7F);

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerAscii)
    {
        if (value.Length != lowerAscii.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b = (byte)(b | 0x20);
            }

            if (b != lowerAscii[i])
            {
                return false;
            }
        }

        return true;
    }

    public static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerAscii) =>
        value.Length >= lowerAscii.Length && EqualsIgnoreCase(value[..lowerAscii.Length], lowerAscii);

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && value[start] is (byte)' ' or (byte)'\t') start++;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t') end--;
        return value[start..end];
    }

    /// <summary>Parses 1*DIGIT into a non-negative long; false on anything else (signs, commas, spaces, overflow).</summary>
    public static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>True when the comma-separated list <paramref name="list"/> holds <paramref name="lowerToken"/> (case-insensitive).</summary>
    public static bool ListContains(ReadOnlySpan<byte> list, ReadOnlySpan<byte> lowerToken)
    {
        while (!list.IsEmpty)
        {
            var comma = list.IndexOf((byte)',');
            var item = comma < 0 ? list : list[..comma];
            if (EqualsIgnoreCase(Trim(item), lowerToken))
            {
                return true;
            }

            list = comma < 0 ? default : list[(comma + 1)..];
        }

        return false;
    }

    /// <summary>Like <see cref="ListContains"/> for a token in any case.</summary>
    public static bool ListContainsIgnoreCase(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        while (!list.IsEmpty)
        {
            var comma = list.IndexOf((byte)',');
            var item = Trim(comma < 0 ? list : list[..comma]);
            if (item.Length == token.Length && System.Text.Ascii.EqualsIgnoreCase(item, token))
            {
                return true;
            }

            list = comma < 0 ? default : list[(comma + 1)..];
        }

        return false;
    }

    /// <summary>The header kind of a request or response header name.</summary>
    public static HeaderKind Classify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 2 when EqualsIgnoreCase(name, "te"u8):
                return HeaderKind.HopByHop;
            case 4 when EqualsIgnoreCase(name, "host"u8):
                return HeaderKind.Host;
            case 6 when EqualsIgnoreCase(name, "expect"u8):
                return HeaderKind.Expect;
            case 6 when EqualsIgnoreCase(name, "cookie"u8):
                return HeaderKind.Cookie;
            case 7 when EqualsIgnoreCase(name, "upgrade"u8):
                return HeaderKind.Upgrade;
            case 7 when EqualsIgnoreCase(name, "trailer"u8):
                return HeaderKind.HopByHop;
            case 10 when EqualsIgnoreCase(name, "connection"u8):
                return HeaderKind.Connection;
            case 10 when EqualsIgnoreCase(name, "keep-alive"u8):
                return HeaderKind.HopByHop;
            case 14 when EqualsIgnoreCase(name, "content-length"u8):
                return HeaderKind.ContentLength;
            case 16 when EqualsIgnoreCase(name, "proxy-connection"u8):
                return HeaderKind.HopByHop;
            case 17 when EqualsIgnoreCase(name, "transfer-encoding"u8):
                return HeaderKind.TransferEncoding;
            case 18 when EqualsIgnoreCase(name, "proxy-authenticate"u8):
                return HeaderKind.HopByHop;
            case 19 when EqualsIgnoreCase(name, "proxy-authorization"u8):
                return HeaderKind.HopByHop;
        }

        return name.Length > 12 && StartsWithIgnoreCase(name, "x-forwarded-"u8) ? HeaderKind.Forwarded : HeaderKind.Other;
    }

    private static bool[] BuildTokenChars()
    {
        var table = new bool[256];
        for (var c = '0'; c <= '9'; c++) table[c] = true;
        for (var c = 'a'; c <= 'z'; c++) table[c] = true;
        for (var c = 'A'; c <= 'Z'; c++) table[c] = true;
        foreach (var c in "!#$%&'*+-.^_`|~") table[c] = true;
        return table;
    }
}
