using System.Text;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>Regular expressions for Envoy's RE2 matchers (full-string match): literal escaping and the cookie-header pattern.</summary>
internal static class Re2Pattern
{
    private const string Special = @"\.+*?()|[]{}^$";

    /// <summary><paramref name="literal"/> as an RE2 pattern matching exactly that text.</summary>
    public static string Escape(string literal)
    {
        var sb = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (Special.Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A value pattern for one operator: exact → the escaped text, prefix → escaped text then anything, regex → as written.</summary>
    public static string Value(MatchOperator op, string value, string rest = ".*") => op switch
    {
        MatchOperator.Exact => Escape(value),
        MatchOperator.Prefix => Escape(value) + rest,
        _ => Unanchored(value),
    };

    /// <summary>
    /// A Cookie header pattern that holds when the cookie <paramref name="name"/> has a matching value wherever it stands in the
    /// header (seed 001's <c>^(.*?;)?(user=test-user)(;.*)?$</c>, plus the space browsers put after each ';').
    /// </summary>
    public static string Cookie(string name, MatchOperator op, string value) =>
        $"^(.*?; ?)?({Escape(name)}={Value(op, value, "[^;]*")})(;.*)?$";

    /// <summary>A user regex placed inside a larger one: its own ^/$ anchors dropped, grouped so alternations stay inside.</summary>
    private static string Unanchored(string regex)
    {
        var r = regex.StartsWith('^') ? regex[1..] : regex;
        if (r.EndsWith('$') && !r.EndsWith("\\$", StringComparison.Ordinal)) r = r[..^1];
        return $"(?:{r})";
    }
}
