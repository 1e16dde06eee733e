using System.Text.RegularExpressions;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Routing;

/// <summary>A compiled exact / prefix / regex matcher. Regexes must match the whole value (as in Istio) and time out after 50 ms (no match).</summary>
internal sealed class StringMatcher
{
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

    public static bool TryCompileRegex(string pattern, out Regex? regex, out string error)
    {
        try
        {
            regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, RegexTimeout);
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            regex = null;
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
