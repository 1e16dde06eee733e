using System.Text.RegularExpressions;

namespace Canaria.Core.Analysis;

/// <summary>
/// A URL as it may be shown in evidence, events, logs and error messages: without "user:password@" (validation refuses
/// it, this is the second line of defence) and, for <see cref="Where"/>, without the query string that may carry tokens.
/// Works on templates with placeholders too, which are not URLs yet.
/// </summary>
internal static partial class SafeUrl
{
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#]*@")]
    private static partial Regex UserInfo();

    public static string WithoutUserInfo(string url) => UserInfo().Replace(url, "$1");

    /// <summary>Scheme, host, port and path only.</summary>
    public static string Where(string url)
    {
        var bare = WithoutUserInfo(url);
        var end = bare.IndexOfAny(['?', '#']);
        return end < 0 ? bare : bare[..end];
    }

    public static bool HasUserInfo(string url) => UserInfo().IsMatch(url);
}
