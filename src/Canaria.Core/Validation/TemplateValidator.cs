using System.Text.RegularExpressions;
using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>How a version runs on the local platform: a command line (with its environment) or fixed upstream URLs.</summary>
internal static partial class TemplateValidator
{
    /// <summary>What the local platform fills in a command line and working directory.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["port", "version", "replica", "instance", "canaria"];

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_.-]*)\}")]
    private static partial Regex Placeholder();

    // POSIX portable names: what every shell and runtime can read back.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    public static void Validate(VersionTemplate t, Action<string, string> add)
    {
        var hasCommand = !string.IsNullOrWhiteSpace(t.Command);
        if (hasCommand == t.Upstreams.Count > 0)
            add("spec.template", "needs exactly one of command (Canaria runs the replicas) or upstreams (fixed URLs)");
        CommandText(t.Command, "spec.template.command", add);
        CommandText(t.WorkingDirectory, "spec.template.workingDirectory", add);
        foreach (var (name, value) in t.Env)
        {
            if (!EnvName().IsMatch(name))
                add($"spec.template.env[\"{Printable(name)}\"]", "is not an environment variable name (letters, digits and '_', not starting with a digit)");
            else if (value.Contains('\0', StringComparison.Ordinal))
                add($"spec.template.env.{name}", "must not contain a NUL character");
        }
        for (var i = 0; i < t.Upstreams.Count; i++)
        {
            var at = $"spec.template.upstreams[{i}]";
            var shown = SafeUrl.WithoutUserInfo(t.Upstreams[i]); // never echo a password
            if (!Uri.TryCreate(t.Upstreams[i], UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttp || u.AbsolutePath != "/"
                || u.Query.Length > 0 || u.Fragment.Length > 0)
                add(at, $"'{shown}' is not an http://host:port URL");
            else if (u.UserInfo.Length > 0 || SafeUrl.HasUserInfo(t.Upstreams[i]))
                add(at, $"'{shown}' carries credentials (user:password@): the gateway would not send them, and anyone who can read the Rollout sees them");
        }
        if (!t.Readiness.Path.StartsWith('/'))
            add("spec.template.readiness.path", $"'{t.Readiness.Path}' must start with '/'");
        if (t.Readiness.Period <= TimeSpan.Zero)
            add("spec.template.readiness.period", "must be longer than zero");
    }

    private static void CommandText(string? text, string field, Action<string, string> add)
    {
        if (text is null) return;
        if (text.Contains('\0', StringComparison.Ordinal))
            add(field, "must not contain a NUL character");
        var unknown = Placeholder().Matches(text).Select(m => m.Groups[1].Value).Where(n => !Placeholders.Contains(n)).Distinct().ToList();
        if (unknown.Count > 0)
            add(field, $"{string.Join(", ", unknown.Select(n => "{" + n + "}"))} {(unknown.Count == 1 ? "is not a placeholder" : "are not placeholders")} " +
                $"(known: {string.Join(" ", Placeholders.Select(n => "{" + n + "}"))})");
    }

    private static string Printable(string name) =>
        name.Length > 80 ? string.Concat(name.AsSpan(0, 77), "...") : name.Replace("\"", "\\\"", StringComparison.Ordinal);
}
