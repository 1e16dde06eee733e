using System.Net;

namespace Canaria.Cli.Commands;

/// <summary>
/// The controller API and the gateway admin API take commands that move production traffic: they listen on loopback
/// unless the user asks, with an explicit flag, for another address.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>True for 127.0.0.0/8, ::1 and localhost (host:port, [v6]:port or a bare host).</summary>
    public static bool IsLoopback(string address)
    {
        var host = address.Trim();
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? host[1..close] : host;
        }
        else if (host.Count(c => c == ':') == 1)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// Null when <paramref name="address"/> may be used: loopback, or another address with <paramref name="allowed"/>
    /// (then <paramref name="warn"/> is told). Otherwise the error to print (exit 2).
    /// </summary>
    public static string? Check(string address, bool allowed, string what, string flag, Action<string> warn)
    {
        if (IsLoopback(address)) return null;
        if (!allowed)
        {
            return $"{what} address '{address}' is not a loopback address: anyone who can reach it and holds the token can move traffic. " +
                $"Pass {flag} to listen there anyway, or use 127.0.0.1:PORT";
        }
        warn($"warning: {what} listens on {address}, not only on loopback ({flag}); anyone who can reach it and holds the token can move traffic. Put it behind a firewall or TLS proxy");
        return null;
    }
}
