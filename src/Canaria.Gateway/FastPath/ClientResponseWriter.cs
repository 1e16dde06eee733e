using System.Text;
using Canaria.Gateway.Forwarding;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// Writes the head sent to the client: the upstream's status line and end-to-end headers verbatim (framing headers
/// too, since the body is relayed with the same framing), minus hop-by-hop ones and the upstream's own version
/// header, plus the gateway's version header, sticky cookie and, when the connection ends after this response,
/// "Connection: close". A 101 keeps its Connection/Upgrade pair.
/// </summary>
internal static class ClientResponseWriter
{
    public static int Write(Span<byte> buffer, ReadOnlySpan<byte> head, ResponseHead response, in ResponseExtras extras, byte[]? versionHeader, ConnectionHeader connection)
    {
        var w = new HeadWriter(buffer, 0);
        w.Write("HTTP/1.1 "u8);
        var lineEnd = head.IndexOf("\r\n"u8);
        w.Write(head[9..lineEnd]);
        w.Write("\r\n"u8);
        var upgraded = response.Status == 101;
        for (var i = 0; i < response.Count; i++)
        {
            ref readonly var field = ref response.Headers[i];
            if (field.Dropped || field.Kind is HeaderKind.Version or HeaderKind.HopByHop or HeaderKind.Connection
                || (field.Kind is HeaderKind.Upgrade && !upgraded))
            {
                continue;
            }

            w.Verbatim(head, field);
        }

        WriteExtras(ref w, extras, versionHeader);
        if (upgraded)
        {
            w.Write("Connection: upgrade\r\n"u8);
        }
        else if (connection == ConnectionHeader.Close)
        {
            w.Write("Connection: close\r\n"u8);
        }
        else if (connection == ConnectionHeader.KeepAlive)
        {
            w.Write("Connection: keep-alive\r\n"u8);
        }

        w.Write("\r\n"u8);
        return w.Position;
    }

    /// <summary>A gateway error: a short plain-text body of its own that never names an upstream.</summary>
    public static byte[] Error(int status, string message, in ResponseExtras? extras, byte[]? versionHeader, bool close)
    {
        var body = Encoding.UTF8.GetBytes($"canaria gateway: {message}\n");
        var buffer = new byte[1024 + body.Length + (versionHeader?.Length ?? 0) + (extras?.VersionName.Length ?? 0)];
        var w = new HeadWriter(buffer, 0);
        w.Write("HTTP/1.1 "u8);
        w.Write(status);
        w.Write(" ");
        w.Write(ReasonPhrase(status));
        w.Write("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "u8);
        w.Write(body.Length);
        w.Write("\r\n"u8);
        if (extras is { } x)
        {
            WriteExtras(ref w, x with { StickyCookie = null }, versionHeader);
        }

        if (close)
        {
            w.Write("Connection: close\r\n"u8);
        }

        w.Write("\r\n"u8);
        w.Write(body);
        return buffer[..w.Position];
    }

    private static void WriteExtras(ref HeadWriter w, in ResponseExtras extras, byte[]? versionHeader)
    {
        if (versionHeader is not null)
        {
            w.Write(versionHeader);
            w.Write(": "u8);
            w.Write(extras.VersionName);
            w.Write("\r\n"u8);
        }

        if (extras.StickyCookie is { } cookie)
        {
            w.Write("Set-Cookie: "u8);
            w.Write(cookie);
            w.Write("="u8);
            w.Write(extras.VersionName);
            w.Write("; Path=/; HttpOnly; SameSite=Lax\r\n"u8);
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
