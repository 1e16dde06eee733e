using System.Globalization;

namespace Canaria.Gateway.Config;

/// <summary>Splits <c>host:port</c> (IPv6 in brackets) and checks both parts.</summary>
internal static class EndpointAddress
{
    public static bool TrySplit(string? text, out string host, out int port, out string error)
    {
        host = "";
        port = 0;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "must be host:port";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' must be host:port";
            return false;
        }

        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{text}': put an IPv6 address in brackets, like [::1]:8080";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            error = $"'{text}' has an invalid port";
            return false;
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            error = $"'{text}' has an invalid host";
            return false;
        }

        return true;
    }
}
