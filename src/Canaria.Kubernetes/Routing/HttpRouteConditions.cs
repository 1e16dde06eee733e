using System.Text;
using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// A test-user condition (header, query parameter, cookie) as Gateway API HTTPRouteMatch entries. Regular expressions are
/// anchored at both ends, so implementations that search (nginx) and those that match the whole value (Envoy) agree, and
/// agree with Canaria's own gateway, where a regex matches the whole value.
/// </summary>
internal static class HttpRouteConditions
{
    /// <summary>At most this many matches in one rule (the HTTPRoute API's limit).</summary>
    public const int MaxMatches = 64;

    /// <summary>ANDs <paramref name="condition"/> into <paramref name="match"/>; an error when the match already tests that header or parameter.</summary>
    public static string? And(JsonObject match, MatchSpec condition)
    {
        var (field, name, entry) = condition.Kind switch
        {
            MatchKind.Query => ("queryParams", condition.Name, Entry(condition.Name, condition.Operator, condition.Value)),
            MatchKind.Cookie => ("headers", "Cookie", new JsonObject { ["type"] = "RegularExpression", ["name"] = "Cookie", ["value"] = CookieRegex(condition) }),
            _ => ("headers", condition.Name, Entry(condition.Name, condition.Operator, condition.Value)),
        };
        var list = match[field] as JsonArray ?? (JsonArray)(match[field] = new JsonArray());
        // Header names compare case-insensitively; query parameter names exactly. Only the first entry of a name counts.
        var comparison = field == "headers" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (list.OfType<JsonObject>().Any(e => string.Equals((string?)e["name"], name, comparison)))
        {
            return $"a match of the route already tests {(field == "headers" ? "header" : "query parameter")} '{name}', so the test-user condition on it cannot be added to it";
        }
        list.Add(entry);
        return null;
    }

    private static JsonObject Entry(string name, MatchOperator op, string value) => op switch
    {
        MatchOperator.Exact => new JsonObject { ["type"] = "Exact", ["name"] = name, ["value"] = value },
        MatchOperator.Prefix => new JsonObject { ["type"] = "RegularExpression", ["name"] = name, ["value"] = "^" + Escape(value) + ".*$" },
        _ => new JsonObject { ["type"] = "RegularExpression", ["name"] = name, ["value"] = Anchored(value) },
    };

    /// <summary>The Cookie header carrying cookie <c>name</c> with a matching value, wherever it is in the header.</summary>
    public static string CookieRegex(MatchSpec cookie)
    {
        var value = cookie.Operator switch
        {
            MatchOperator.Exact => Escape(cookie.Value),
            MatchOperator.Prefix => Escape(cookie.Value) + "[^;]*",
            _ => "(?:" + cookie.Value + ")",
        };
        return @"^(?:.*;\s*)?" + Escape(cookie.Name) + "=" + value + "(?:;.*)?$";
    }

    public static string Anchored(string regex) => "^(?:" + regex + ")$";

    /// <summary>Escapes the characters every common regex dialect (RE2, PCRE, ECMAScript, .NET) treats as special; nothing else.</summary>
    public static string Escape(string literal)
    {
        var sb = new StringBuilder(literal.Length + 8);
        foreach (var ch in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(ch, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
