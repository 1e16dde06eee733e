using System.Globalization;
using System.Net;

namespace Canaria.Core.Validation;

internal static class Endpoints
{
    /// <summary>Parses host:port as written in a listen field; the host must be an IP address or localhost.</summary>
    public static bool TryParseListen(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            return false;
        return host == "localhost" || IPAddress.TryParse(host, out _);
    }
}
