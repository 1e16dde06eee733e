using System.Globalization;
using System.Text.RegularExpressions;

namespace Canaria.Core.Analysis;

/// <summary>
/// Fills {{name}} {{namespace}} {{service}} {{version}} {{stableVersion}} {{window}} into a PromQL query or URL
/// (double braces, so PromQL's own label braces stay as they are). {{window}} is whole seconds, e.g. "30s": the
/// query's From..To, but never less than its MinWindow.
/// </summary>
internal static partial class QueryTemplate
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();

    public static string Render(string template, CheckQuery q, Func<string, string>? escape = null)
    {
        var seconds = Math.Max((q.To - q.From).TotalSeconds, q.MinWindow.TotalSeconds);
        var window = Math.Max(1, (int)Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture) + "s";
        return Placeholder().Replace(template, m =>
        {
            var value = m.Groups[1].Value switch
            {
                "name" => q.Rollout,
                "namespace" => q.Namespace ?? "",
                "service" => q.Service,
                "version" => q.Version,
                "stableVersion" => q.StableVersion,
                "window" or "interval" => window,
                _ => m.Value,
            };
            return ReferenceEquals(value, m.Value) || escape is null ? value : escape(value);
        });
    }
}
