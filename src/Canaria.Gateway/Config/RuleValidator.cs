using Canaria.Gateway.Routing;

namespace Canaria.Gateway.Config;

/// <summary>Checks a match rule: known version, at least one matcher, each matcher well formed.</summary>
internal static class RuleValidator
{
    public static void Validate(RuleConfig rule, string at, HashSet<string> versions, HashSet<string> names, List<ConfigError> errors)
    {
        if (rule is null)
        {
            errors.Add(new(at, "must not be null"));
            return;
        }

        GatewayConfigValidator.RequireName(rule.Name, at + ".name", names, "rule", errors);
        if (!versions.Contains(rule.Version))
        {
            errors.Add(new(at + ".version", $"unknown version '{rule.Version}'"));
        }

        if (rule.Headers.Count + rule.Cookies.Count + rule.Query.Count == 0)
        {
            errors.Add(new(at, "a rule needs at least one header, cookie or query matcher"));
        }

        ValidateMatchers(rule.Headers, at + ".headers", errors);
        ValidateMatchers(rule.Cookies, at + ".cookies", errors);
        ValidateMatchers(rule.Query, at + ".query", errors);
    }

    private static void ValidateMatchers(IReadOnlyList<StringMatchConfig> matchers, string at, List<ConfigError> errors)
    {
        for (var i = 0; i < matchers.Count; i++)
        {
            var m = matchers[i];
            var field = $"{at}[{i}]";
            if (m is null)
            {
                errors.Add(new(field, "must not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(m.Name))
            {
                errors.Add(new(field + ".name", "a matcher needs a name"));
            }

            var kinds = (m.Exact is null ? 0 : 1) + (m.Prefix is null ? 0 : 1) + (m.Regex is null ? 0 : 1);
            if (kinds != 1)
            {
                errors.Add(new(field, "set exactly one of exact, prefix, regex"));
            }

            if (m.Regex is not null && !StringMatcher.TryCompileRegex(m.Regex, out _, out var error))
            {
                errors.Add(new(field + ".regex", $"invalid regex: {error}"));
            }
        }
    }
}
