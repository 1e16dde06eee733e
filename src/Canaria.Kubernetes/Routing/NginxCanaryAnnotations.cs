using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// The annotations of Canaria's canary Ingress for ingress-nginx: canary, canary-weight, canary-by-header (+ -value for
/// an exact match, + -pattern for prefix and regex), canary-by-cookie; and the few of the user's annotations that
/// ingress-nginx still reads on a canary Ingress (everything else is inherited from the main Ingress).
/// </summary>
internal static class NginxCanaryAnnotations
{
    private static readonly string[] CopiedSuffixes = ["load-balance", "upstream-hash-by", "upstream-hash-by-subset", "upstream-hash-by-subset-size"];

    /// <summary>The legacy class annotation: the canary copy must be picked up by the same controller as the user's Ingress.</summary>
    public const string LegacyClass = "kubernetes.io/ingress.class";

    /// <summary>Why ingress-nginx cannot carry the target (null: it can); validation refuses these first, this keeps the router honest.</summary>
    public static string? Refusal(RouteTarget target)
    {
        if (target.MirrorPercent > 0) return "ingress-nginx canary annotations cannot mirror requests (use istio or gatewayAPI)";
        if (target.CanaryWeight is < 0 or > 100) return $"canary weight {target.CanaryWeight} is not a percentage (0-100)";
        if (target.Matches.Any(m => m.Kind == MatchKind.Query)) return "ingress-nginx cannot route by query parameter (use a header or cookie match)";
        if (target.Matches.Count(m => m.Kind == MatchKind.Header) > 1) return "ingress-nginx supports one header match (canary-by-header) per canary Ingress";
        if (target.Matches.Count(m => m.Kind == MatchKind.Cookie) > 1) return "ingress-nginx supports one cookie match (canary-by-cookie) per canary Ingress";
        return target.Matches.FirstOrDefault(m => m.Kind == MatchKind.Cookie && !(m.Operator == MatchOperator.Exact && m.Value == "always")) is { } cookie
            ? $"ingress-nginx sends a request to the canary by cookie only when the cookie's value is \"always\"; cookie {cookie.Name} asks for {cookie.Operator.ToString().ToLowerInvariant()} '{cookie.Value}'"
            : null;
    }

    /// <summary>The canary Ingress's complete annotation set for <paramref name="target"/>.</summary>
    public static SortedDictionary<string, string> Desired(string prefix, RouteTarget target, JsonObject? userAnnotations)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in userAnnotations ?? [])
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && Copied(prefix, key)) annotations[key] = text;
        }
        annotations[$"{prefix}/canary"] = "true";
        // Written weights keep their proportion through canary-weight-total (ingress-nginx 1.1.2+; default 100).
        var split = target.Split;
        annotations[$"{prefix}/canary-weight"] = split.Canary.ToString(CultureInfo.InvariantCulture);
        if (split.Total != 100) annotations[$"{prefix}/canary-weight-total"] = split.Total.ToString(CultureInfo.InvariantCulture);
        if (target.Matches.FirstOrDefault(m => m.Kind == MatchKind.Header) is { } header)
        {
            annotations[$"{prefix}/canary-by-header"] = header.Name;
            if (header.Operator == MatchOperator.Exact) annotations[$"{prefix}/canary-by-header-value"] = header.Value;
            else annotations[$"{prefix}/canary-by-header-pattern"] = Pattern(header);
        }
        if (target.Matches.FirstOrDefault(m => m.Kind == MatchKind.Cookie) is { } cookie)
            annotations[$"{prefix}/canary-by-cookie"] = cookie.Name;
        return annotations;
    }

    /// <summary>
    /// ingress-nginx searches the header value with the pattern (PCRE, unanchored). Canaria's matches are whole-value
    /// (as in its gateway and Istio): a regex is anchored at both ends, a prefix becomes ^ and the escaped text.
    /// </summary>
    public static string Pattern(MatchSpec match) =>
        match.Operator == MatchOperator.Prefix ? "^" + Escape(match.Value) : "^(?:" + match.Value + ")$";

    /// <summary>The value with every PCRE metacharacter escaped, so it matches itself literally.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (@"\^$.|?*+()[]{}".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The weight (percent of canary-weight-total, default 100) and number of matches an Ingress's annotations send to the canary (0, 0 when it is not a canary Ingress).</summary>
    public static (int Weight, int Matches) Read(string prefix, JsonObject? annotations)
    {
        if ((string?)annotations?[$"{prefix}/canary"] != "true") return (0, 0);
        var canary = int.TryParse((string?)annotations[$"{prefix}/canary-weight"], NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0;
        var total = long.TryParse((string?)annotations[$"{prefix}/canary-weight-total"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 100;
        var weight = SplitWeights.RoundedPercent(Math.Min(canary, total), total);
        var matches = (annotations[$"{prefix}/canary-by-header"] is not null ? 1 : 0) + (annotations[$"{prefix}/canary-by-cookie"] is not null ? 1 : 0);
        return (weight, matches);
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, string> annotations) =>
        new(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));

    /// <summary>ingress-nginx applies these on a canary Ingress itself (load balancing and session affinity of the canary's upstream); without them the canary would balance differently from stable.</summary>
    private static bool Copied(string prefix, string key)
    {
        if (key == LegacyClass) return true;
        if (!key.StartsWith(prefix + "/", StringComparison.Ordinal)) return false;
        var name = key[(prefix.Length + 1)..];
        return CopiedSuffixes.Contains(name, StringComparer.Ordinal) || name.StartsWith("affinity", StringComparison.Ordinal) || name.StartsWith("session-cookie-", StringComparison.Ordinal);
    }
}
