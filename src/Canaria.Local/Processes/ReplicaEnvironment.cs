using System.Collections;

namespace Canaria.Local.Processes;

/// <summary>
/// The environment a replica inherits from the controller: only a short allow-list, so secrets the controller holds
/// (e.g. an analysis check's <c>auth: {secretEnv: NAME}</c>) never reach replica processes. On top of it come the
/// names the template's <c>inheritEnv</c> lists, then CANARIA_* and the template's own <c>env</c>.
/// </summary>
internal static class ReplicaEnvironment
{
    /// <summary>Inherited by every replica when the controller has them: what a program needs to find itself and run.</summary>
    public static readonly IReadOnlyList<string> AllowList =
        ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_*", "TZ", "TMPDIR", "DOTNET_ROOT", "DOTNET_ROOT_*"];

    /// <summary>The inherited part of a replica's environment, from the controller's environment.</summary>
    public static Dictionary<string, string> Inherited(IDictionary current, IReadOnlyList<string> inheritEnv)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in current)
        {
            if (entry.Key is string name && entry.Value is string value && (Allowed(name) || inheritEnv.Contains(name, StringComparer.Ordinal)))
                result[name] = value;
        }
        return result;
    }

    private static bool Allowed(string name) =>
        AllowList.Any(pattern => pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern);
}
