using System.Collections.Frozen;

namespace Canaria.Gateway.Forwarding;

/// <summary>Headers that belong to one connection and are never forwarded (RFC 9110 §7.6.1), plus Host which the upstream URI sets.</summary>
internal static class HopByHopHeaders
{
    private static readonly FrozenSet<string> Names = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsHopByHop(string name) => Names.Contains(name);

    /// <summary>True when <paramref name="name"/> is listed in the Connection header (those are hop-by-hop too).</summary>
    public static bool IsListedIn(string? connectionHeader, string name)
    {
        if (string.IsNullOrEmpty(connectionHeader))
        {
            return false;
        }

        foreach (var range in connectionHeader.AsSpan().Split(','))
        {
            if (connectionHeader.AsSpan()[range].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
