using System.Text.RegularExpressions;
using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>
/// <c>spec.template.inheritEnv</c>: the names of the controller's environment variables replicas inherit beyond the
/// allow-list. Each must be a plain variable name (no '=', no pattern), so nothing is passed on by accident.
/// </summary>
internal static partial class InheritEnvValidator
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex VariableName();

    public static void Validate(VersionTemplate template, Action<string, string> add)
    {
        if (template.InheritEnv is not { } names) return;
        for (var i = 0; i < names.Count; i++)
        {
            if (!VariableName().IsMatch(names[i]))
                add($"spec.template.inheritEnv[{i}]", $"'{names[i]}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            else if (names.Take(i).Contains(names[i], StringComparer.Ordinal))
                add($"spec.template.inheritEnv[{i}]", $"'{names[i]}' is listed twice");
        }
        if (names.Count > 0 && template.Upstreams.Count > 0)
            add("spec.template.inheritEnv", "has no effect with upstreams: Canaria runs no process for fixed URLs");
    }
}
