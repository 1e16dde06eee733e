using System.Text.RegularExpressions;

namespace Canaria.Core.Validation;

/// <summary>
/// The rule for regexes users write in match rules: they must run in linear time, so they are compiled with
/// <see cref="RegexOptions.NonBacktracking"/> (the local gateway matches them that way); a construct that needs
/// backtracking (backreferences, lookarounds, atomic groups, conditionals) is refused. RE2, which Istio/Envoy and
/// ingress controllers use on Kubernetes, refuses the same constructs, so the rule holds on both platforms.
/// </summary>
internal static class UserRegex
{
    public const int MaxLength = 1024;

    /// <summary>Why the pattern cannot be used, or null when it can.</summary>
    public static string? Check(string pattern)
    {
        if (pattern.Length > MaxLength) return $"is longer than {MaxLength} characters";
        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return null;
        }
        catch (NotSupportedException e)
        {
            return $"'{pattern}' needs backtracking, which match rules do not allow (they must match in linear time): {e.Message}";
        }
        catch (ArgumentException e)
        {
            return $"'{pattern}' is not a valid regular expression: {e.Message}";
        }
    }
}
