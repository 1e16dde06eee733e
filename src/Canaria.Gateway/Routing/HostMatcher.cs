namespace Canaria.Gateway.Routing;

/// <summary>Matches the request host (port removed, case-insensitive) against exact names, <c>*.suffix</c> wildcards or <c>*</c>.</summary>
internal sealed class HostMatcher
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly bool _any;

    public HostMatcher(IReadOnlyList<string> hosts)
    {
        _any = hosts.Count == 0;
        foreach (var host in hosts)
        {
            if (host == "*")
            {
                _any = true;
            }
            else if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                _suffixes.Add(host[1..]);
            }
            else
            {
                _exact.Add(host);
            }
        }
    }

    public bool Matches(ReadOnlySpan<char> host)
    {
        if (_any)
        {
            return true;
        }

        if (_exact.GetAlternateLookup<ReadOnlySpan<char>>().Contains(host))
        {
            return true;
        }

        foreach (var suffix in _suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The host part of a Host header value: <c>example.com:8080</c> → <c>example.com</c>, <c>[::1]:80</c> → <c>[::1]</c>.</summary>
    public static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> hostHeader)
    {
        var colon = hostHeader.LastIndexOf(':');
        if (colon < 0 || hostHeader.LastIndexOf(']') > colon)
        {
            return hostHeader;
        }

        return hostHeader[..colon];
    }
}
