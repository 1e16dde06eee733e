namespace Canaria.Gateway.FastPath;

/// <summary>A parsed upstream response head: status and header lines, as offsets into the upstream's read buffer.</summary>
internal sealed class ResponseHead() : HttpHead(MaxHeaders)
{
    public const int MaxHeaders = 256;

    /// <summary>Larger than the request's limit: an upstream's Set-Cookie lines can be long.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    public int Status { get; private set; }

    public bool Http11 { get; private set; }

    public HeadStatus Parse(ReadOnlySpan<byte> data, byte[]? versionHeader)
    {
        var end = FindEnd(data, out var bareLineFeed);
        if (bareLineFeed) return HeadStatus.Malformed;
        if (end < 0) return data.Length > MaxHeadBytes ? HeadStatus.TooLarge : HeadStatus.Incomplete;
        if (end > MaxHeadBytes) return HeadStatus.TooLarge;
        var lineEnd = data.IndexOf("\r\n"u8);
        var line = data[..lineEnd];

        // HTTP/1.x SP 3DIGIT [SP reason]
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ') return HeadStatus.Malformed;
        Http11 = line[7] == (byte)'1';
        var status = 0;
        for (var i = 9; i < 12; i++)
        {
            if (line[i] is < (byte)'0' or > (byte)'9') return HeadStatus.Malformed;
            status = (status * 10) + (line[i] - '0');
        }

        if (status < 100 || (line.Length > 12 && line[12] != (byte)' ')) return HeadStatus.Malformed;
        Status = status;
        var result = ParseHeaders(data, lineEnd + 2, end);
        if (result == HeadStatus.Complete && versionHeader is not null)
        {
            for (var i = 0; i < Count; i++)
            {
                if (Headers[i].Kind == HeaderKind.Other && System.Text.Ascii.EqualsIgnoreCase(Name(data, i), versionHeader))
                {
                    Headers[i].Kind = HeaderKind.Version;
                }
            }
        }

        return result;
    }

    /// <summary>Whether a response to this request has a body at all (HEAD, 1xx, 204 and 304 have none).</summary>
    public bool HasBody(bool requestWasHead) => !requestWasHead && Status >= 200 && Status != 204 && Status != 304;

    /// <summary>A body that ends only when the upstream closes (no length, no chunked framing).</summary>
    public bool CloseDelimited(bool requestWasHead) => HasBody(requestWasHead) && !Chunked && ContentLength < 0;
}
