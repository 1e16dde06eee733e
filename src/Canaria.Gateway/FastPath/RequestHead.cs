namespace Canaria.Gateway.FastPath;

/// <summary>A parsed request head: the request line's parts and the header lines, as offsets into the head's bytes.</summary>
internal sealed class RequestHead() : HttpHead(MaxHeaders)
{
    /// <summary>As Kestrel's defaults: 100 header lines, 32 KiB of head (the gateway's setting), 8 KiB of request line.</summary>
    public const int MaxHeaders = 100;
    public const int MaxHeadBytes = 32 * 1024;
    public const int MaxRequestLineBytes = 8 * 1024;

    public int MethodLength { get; private set; }

    public int TargetStart { get; private set; }

    public int TargetLength { get; private set; }

    /// <summary>Length of the target's path (up to '?').</summary>
    public int PathLength { get; private set; }

    public bool Http11 { get; private set; }

    public bool IsHead { get; private set; }

    /// <summary>A request with a body: chunked, or a Content-Length above 0.</summary>
    public bool HasBody => Chunked || ContentLength > 0;

    /// <summary>An HTTP/1.1 Upgrade request (Connection: upgrade and an Upgrade header).</summary>
    public bool IsUpgrade => ConnectionUpgrade && UpgradeIndex >= 0;

    /// <summary>Whether the connection may serve another request after this one.</summary>
    public bool KeepAlive => Http11 ? !ConnectionClose : ConnectionKeepAlive && !ConnectionClose;

    public ReadOnlySpan<byte> Method(ReadOnlySpan<byte> head) => head[..MethodLength];

    public ReadOnlySpan<byte> Target(ReadOnlySpan<byte> head) => head.Slice(TargetStart, TargetLength);

    public ReadOnlySpan<byte> Path(ReadOnlySpan<byte> head) => head.Slice(TargetStart, PathLength);

    public ReadOnlySpan<byte> Host(ReadOnlySpan<byte> head) => HostIndex < 0 ? default : Value(head, HostIndex);

    /// <summary>Parses what has arrived so far; <see cref="HeadStatus.Incomplete"/> asks for more bytes.</summary>
    public HeadStatus Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data.StartsWith("PRI"u8) && "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.StartsWith(data[..Math.Min(data.Length, 24)]))
        {
            return data.Length >= 24 ? HeadStatus.Http2Preface : HeadStatus.Incomplete;
        }

        var end = FindEnd(data, out var bareLineFeed);
        if (bareLineFeed) return HeadStatus.Malformed;
        var lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0 ? data.Length > MaxRequestLineBytes : lineEnd > MaxRequestLineBytes) return HeadStatus.UriTooLong;
        if (end < 0) return data.Length > MaxHeadBytes ? HeadStatus.TooLarge : HeadStatus.Incomplete;
        if (end > MaxHeadBytes) return HeadStatus.TooLarge;
        if (!ParseRequestLine(data[..lineEnd])) return HeadStatus.Malformed;
        var status = ParseHeaders(data, lineEnd + 2, end);
        if (status != HeadStatus.Complete) return status;

        // HTTP/1.1 needs exactly one Host; HTTP/1.0 has no chunked framing.
        if (Http11 ? HostIndex < 0 : Chunked) return HeadStatus.Malformed;
        if (OtherTransferCoding) return HeadStatus.Malformed;
        return IsValidHost(Host(data)) ? HeadStatus.Complete : HeadStatus.Malformed;
    }

    private bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0) return false;
        for (var i = 0; i < sp1; i++)
        {
            if (!HttpAscii.IsToken(line[i])) return false;
        }

        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0 || rest[0] != (byte)'/') return false; // origin-form only
        var target = rest[..sp2];
        foreach (var b in target)
        {
            if (b is <= 0x20 or >= 0x7F) return false;
        }

        var version = rest[(sp2 + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8)) Http11 = true;
        else if (version.SequenceEqual("HTTP/1.0"u8)) Http11 = false;
        else return false;

        MethodLength = sp1;
        TargetStart = sp1 + 1;
        TargetLength = sp2;
        var query = target.IndexOf((byte)'?');
        PathLength = query < 0 ? sp2 : query;
        IsHead = line[..sp1].SequenceEqual("HEAD"u8);
        return true;
    }

    private static bool IsValidHost(ReadOnlySpan<byte> host)
    {
        foreach (var b in host)
        {
            if (b is <= 0x20 or >= 0x7F or (byte)'/' or (byte)'\\' or (byte)'@' or (byte)'?' or (byte)'#' or (byte)',') return false;
        }

        return true;
    }
}
