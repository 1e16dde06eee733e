namespace Canaria.Gateway.FastPath;

/// <summary>
/// Writes the head sent upstream: the request line as received (HTTP/1.1, or 1.0 for an HTTP/1.0 client), Host set to the endpoint, every
/// end-to-end header line verbatim, and the gateway's own X-Forwarded-For/-Proto/-Host. Hop-by-hop headers (and
/// names the Connection header lists) are dropped, as is Expect (the gateway answers 100-continue itself).
/// The part after Host does not depend on the endpoint, so a failover only rewrites the first lines.
/// </summary>
internal static class UpstreamRequestWriter
{
    /// <summary>Where the endpoint-independent part starts: room for the request line and the Host line before it.</summary>
    public const int RestStart = RequestHead.MaxRequestLineBytes + 512;

    /// <summary>Buffer size for the whole head: prefix, the client's head and the added forwarding headers.</summary>
    public const int BufferSize = 64 * 1024;

    /// <summary>Writes the headers after Host into <paramref name="buffer"/> from <see cref="RestStart"/>; returns the end.</summary>
    public static int WriteRest(Span<byte> buffer, ReadOnlySpan<byte> head, RequestHead request, ReadOnlySpan<byte> clientIp)
    {
        var w = new HeadWriter(buffer, RestStart);
        var hasPriorForwardedFor = false;
        for (var i = 0; i < request.Count; i++)
        {
            ref readonly var field = ref request.Headers[i];
            if (field.Kind is HeaderKind.Forwarded && HttpAscii.EqualsIgnoreCase(request.Name(head, i), "x-forwarded-for"u8))
            {
                hasPriorForwardedFor = true;
            }

            if (field.Dropped || field.Kind is not (HeaderKind.Other or HeaderKind.Cookie or HeaderKind.ContentLength or HeaderKind.TransferEncoding))
            {
                continue;
            }

            w.Verbatim(head, field);
        }

        w.Write("X-Forwarded-For: "u8);
        if (hasPriorForwardedFor)
        {
            var first = true;
            for (var i = 0; i < request.Count; i++)
            {
                if (request.Headers[i].Kind is not HeaderKind.Forwarded || !HttpAscii.EqualsIgnoreCase(request.Name(head, i), "x-forwarded-for"u8)) continue;
                if (!first) w.Write(", "u8);
                w.Write(request.Value(head, i));
                first = false;
            }

            w.Write(", "u8);
        }

        w.Write(clientIp);
        w.Write("\r\nX-Forwarded-Proto: http\r\n"u8);
        if (request.HostIndex >= 0)
        {
            w.Header("X-Forwarded-Host"u8, request.Host(head));
        }

        if (request.IsUpgrade)
        {
            w.Write("Connection: upgrade\r\n"u8);
            w.Header("Upgrade"u8, request.Value(head, request.UpgradeIndex));
        }
        else if (!request.Http11)
        {
            w.Write("Connection: keep-alive\r\n"u8); // HTTP/1.0 upstream connections stay pooled only when asked
        }

        w.Write("\r\n"u8);
        return w.Position;
    }

    /// <summary>Writes the request line and Host just before <see cref="RestStart"/>; returns where the head starts.</summary>
    /// <param name="line">The method, a space and the target, as received.</param>
    /// <param name="http11">False for an HTTP/1.0 client: the upstream then answers without chunked framing, which such a client cannot read.</param>
    public static int WritePrefix(Span<byte> buffer, ReadOnlySpan<byte> line, ReadOnlySpan<byte> authority, bool http11)
    {
        var length = line.Length + " HTTP/1.1\r\nHost: "u8.Length + authority.Length + 2;
        var start = RestStart - length;
        var w = new HeadWriter(buffer, start);
        w.Write(line);
        w.Write(http11 ? " HTTP/1.1\r\nHost: "u8 : " HTTP/1.0\r\nHost: "u8);
        w.Write(authority);
        w.Write("\r\n"u8);
        return start;
    }
}
