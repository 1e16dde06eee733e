using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Routing;

/// <summary>A match rule ready for the hot path: all matchers must match (header values: any one of them).</summary>
internal sealed class CompiledRule(string name, CompiledVersion version, StringMatcher[] headers, StringMatcher[] cookies, StringMatcher[] query)
{
    public string Name { get; } = name;

    public CompiledVersion Version { get; } = version;

    public bool Matches(HttpRequest request)
    {
        foreach (var m in headers)
        {
            if (!AnyMatches(m, request.Headers[m.Name]))
            {
                return false;
            }
        }

        foreach (var m in cookies)
        {
            if (!m.Matches(request.Cookies[m.Name]))
            {
                return false;
            }
        }

        foreach (var m in query)
        {
            if (!AnyMatches(m, request.Query[m.Name]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyMatches(StringMatcher matcher, Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (matcher.Matches(value))
            {
                return true;
            }
        }

        return false;
    }
}
