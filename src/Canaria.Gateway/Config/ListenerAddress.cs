using System.Globalization;
using System.Net;

namespace Canaria.Gateway.Config;

/// <summary>Parses a listener address: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>localhost:8080</c>, <c>*:8080</c>.</summary>
internal static class ListenerAddress
{
    public static bool TryParse(string? text, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = "";
        if (!EndpointAddress.TrySplit(text, out var host, out var port, out error))
        {
            return false;
        }

        IPAddress? ip = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (ip is null)
        {
            error = $"'{host}' is not an IP address (use an IP, 'localhost' or '*')";
            return false;
        }

        endPoint = new IPEndPoint(ip, port);
        return true;
    }

    public static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}";
}
