namespace Canaria.Gateway.FastPath;

/// <summary>
/// The header lines of one parsed head (request or response), as offsets into its bytes, reused for every message of a
/// connection. Parsing checks the grammar strictly (CRLF line ends, token names, no space before the colon, no line
/// folding) and the framing headers (one Content-Length of digits only; Transfer-Encoding only as chunked and never
/// next to Content-Length), so a message two parsers could frame differently is refused instead of forwarded.
/// </summary>
internal class HttpHead(int maxHeaders)
{
    private const int NoIndex = -1;

    public HeaderField[] Headers { get; } = new HeaderField[maxHeaders];

    public int Count { get; private set; }

    /// <summary>Bytes of the head including the blank line that ends it.</summary>
    public int Length { get; protected set; }

    /// <summary>-1 when there is no Content-Length.</summary>
    public long ContentLength { get; private set; }

    public bool Chunked { get; private set; }

    /// <summary>Transfer-Encoding present with a final coding other than chunked (a response then ends at close).</summary>
    public bool OtherTransferCoding { get; private set; }

    public bool ConnectionClose { get; private set; }

    public bool ConnectionKeepAlive { get; private set; }

    public bool ConnectionUpgrade { get; private set; }

    public int HostIndex { get; private set; } = NoIndex;

    public int UpgradeIndex { get; private set; } = NoIndex;

    public int ConnectionIndex { get; private set; } = NoIndex;

    public bool ExpectContinue { get; private set; }

    /// <summary>True when some header's name is listed in Connection (it is dropped like a hop-by-hop header).</summary>
    public bool HasConnectionListedNames { get; private set; }

    public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> head, int i) => head.Slice(Headers[i].NameStart, Headers[i].NameLength);

    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> head, int i) => head.Slice(Headers[i].ValueStart, Headers[i].ValueLength);

    /// <summary>Finds the end of the head (CRLF CRLF); a bare LF anywhere before it is malformed.</summary>
    public static int FindEnd(ReadOnlySpan<byte> data, out bool bareLineFeed)
    {
        bareLineFeed = false;
        var end = data.IndexOf("\r\n\r\n"u8);
        var scan = end < 0 ? data : data[..end];
        var from = 0;
        while (true)
        {
            var lf = scan[from..].IndexOf((byte)'\n');
            if (lf < 0) break;
            lf += from;
            if (lf == 0 || scan[lf - 1] != (byte)'\r')
            {
                bareLineFeed = true;
                return -1;
            }

            from = lf + 1;
        }

        return end < 0 ? -1 : end + 4;
    }

    /// <summary>Parses header lines from <paramref name="start"/> to the blank line at <paramref name="headLength"/>.</summary>
    protected HeadStatus ParseHeaders(ReadOnlySpan<byte> head, int start, int headLength)
    {
        Reset(headLength);
        var pos = start;
        var end = headLength - 2; // the final CRLF
        while (pos < end)
        {
            var lineEnd = head[pos..end].IndexOf("\r\n"u8);
            if (lineEnd < 0) return HeadStatus.Malformed;
            var line = head.Slice(pos, lineEnd);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) return HeadStatus.Malformed;
            for (var i = 0; i < colon; i++)
            {
                if (!HttpAscii.IsToken(line[i])) return HeadStatus.Malformed; // also refuses "Name :" and folded lines
            }

            var valueStart = colon + 1;
            var valueEnd = line.Length;
            while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
            while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t') valueEnd--;
            for (var i = valueStart; i < valueEnd; i++)
            {
                if (!HttpAscii.IsFieldValueByte(line[i])) return HeadStatus.Malformed;
            }

            if (Count == Headers.Length) return HeadStatus.TooLarge;
            var name = line[..colon];
            var kind = HttpAscii.Classify(name);
            Headers[Count] = new HeaderField { NameStart = pos, NameLength = colon, ValueStart = pos + valueStart, ValueLength = valueEnd - valueStart, Kind = kind };
            if (!Note(line[valueStart..valueEnd], kind)) return HeadStatus.Malformed;
            Count++;
            pos += lineEnd + 2;
        }

        if (Chunked && ContentLength >= 0) return HeadStatus.Malformed;
        if (HasConnectionListedNames) MarkConnectionListed(head);
        return HeadStatus.Complete;
    }

    private void Reset(int headLength)
    {
        Count = 0;
        Length = headLength;
        ContentLength = -1;
        Chunked = OtherTransferCoding = ConnectionClose = ConnectionKeepAlive = ConnectionUpgrade = ExpectContinue = HasConnectionListedNames = false;
        HostIndex = UpgradeIndex = ConnectionIndex = NoIndex;
    }

    private bool Note(ReadOnlySpan<byte> value, HeaderKind kind)
    {
        switch (kind)
        {
            case HeaderKind.ContentLength:
                if (ContentLength >= 0 || !HttpAscii.TryParseLength(value, out var length)) return false;
                ContentLength = length;
                return true;
            case HeaderKind.TransferEncoding:
                if (Chunked || OtherTransferCoding) return false; // one Transfer-Encoding line only
                if (HttpAscii.EqualsIgnoreCase(value, "chunked"u8)) Chunked = true;
                else OtherTransferCoding = true;
                return true;
            case HeaderKind.Host:
                if (HostIndex != NoIndex) return false;
                HostIndex = Count;
                return true;
            case HeaderKind.Upgrade:
                if (UpgradeIndex != NoIndex) return false;
                UpgradeIndex = Count;
                return true;
            case HeaderKind.Expect:
                ExpectContinue |= HttpAscii.EqualsIgnoreCase(value, "100-continue"u8);
                return true;
            case HeaderKind.Connection:
                ConnectionIndex = Count;
                NoteConnection(value);
                return true;
            default:
                return true;
        }
    }

    private void NoteConnection(ReadOnlySpan<byte> list)
    {
        while (!list.IsEmpty)
        {
            var comma = list.IndexOf((byte)',');
            var item = HttpAscii.Trim(comma < 0 ? list : list[..comma]);
            if (HttpAscii.EqualsIgnoreCase(item, "close"u8)) ConnectionClose = true;
            else if (HttpAscii.EqualsIgnoreCase(item, "keep-alive"u8)) ConnectionKeepAlive = true;
            else if (HttpAscii.EqualsIgnoreCase(item, "upgrade"u8)) ConnectionUpgrade = true;
            else if (!item.IsEmpty) HasConnectionListedNames = true;
            list = comma < 0 ? default : list[(comma + 1)..];
        }
    }

    private void MarkConnectionListed(ReadOnlySpan<byte> head)
    {
        for (var c = 0; c < Count; c++)
        {
            if (Headers[c].Kind != HeaderKind.Connection) continue;
            var list = Value(head, c);
            for (var i = 0; i < Count; i++)
            {
                if (Headers[i].Kind is HeaderKind.Other or HeaderKind.Cookie or HeaderKind.Version
                    && HttpAscii.ListContainsIgnoreCase(list, Name(head, i)))
                {
                    Headers[i].Dropped = true;
                }
            }
        }
    }
}
