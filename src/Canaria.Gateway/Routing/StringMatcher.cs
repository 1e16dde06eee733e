using System.Text.RegularExpressions;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Routing;

/// <summary>A compiled exact / prefix / regex matcher. Regexes must match the whole value (as in Istio), never backtrack, and time out after 50 ms (no match).</summary>
internal sealed class StringMatcher
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);
    private readonly string? _exact;
    private readonly string? _prefix;
    private readonly Regex? _regex;

    private StringMatcher(string name, string? exact, string? prefix, Regex? regex)
    {
        Name = name;
        _exact = exact;
        _prefix = prefix;
        _regex = regex;
    }

    public string Name { get; }

    public static StringMatcher Compile(StringMatchConfig config)
    {
        Regex? regex = null;
        if (config.Regex is not null && !TryCompileRegex(config.Regex, out regex, out var error))
        {
            throw new ArgumentException(error, nameof(config));
        }

        return new StringMatcher(config.Name, config.Exact, config.Prefix, regex);
    }

    /// <summary>Longest pattern accepted (RE2-based proxies cap program size too).</summary>
    public const int MaxRegexLength = 1024;

    /// <summary>
    /// Compiles a user's pattern so it cannot backtrack: <see cref="RegexOptions.NonBacktracking"/> matches in time linear
    /// in the value, so a pattern like <c>(a+)+$</c> costs no more than <c>a+$</c>. Constructs that need backtracking
    /// (backreferences, lookarounds, atomic groups, conditionals) are refused, as RE2 refuses them. The match timeout
    /// stays as a second guard. The pattern is first compiled alone, so it cannot close the anchoring group around it.
    /// </summary>
    public static bool TryCompileRegex(string pattern, out Regex? regex, out string error)
    {
        regex = null;
        if (pattern.Length > MaxRegexLength)
        {
            error = $"the pattern is longer than {MaxRegexLength} characters";
            return false;
        }

        try
        {
            _ = new Regex(pattern, Options, RegexTimeout);
            regex = new Regex("^(?:" + pattern + ")$", Options, RegexTimeout);
            error = "";
            return true;
        }
        catch (NotSupportedException e)
        {
            error = $"the pattern needs backtracking, which match rules do not allow (they must match in linear time): {e.Message}";
            return false;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    public bool Matches(string? value)
    {
        if (value is null)
        {
            return false;
        }

        if (_exact is not null)
        {
            return string.Equals(value, _exact, StringComparison.Ordinal);
        }

        if (_prefix is not null)
        {
            return value.StartsWith(_prefix, StringComparison.Ordinal);
        }

        try
        {
            return _regex!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
