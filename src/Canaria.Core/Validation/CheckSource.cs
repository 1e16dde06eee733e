using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Core.Validation;

/// <summary>Validates where a check reads from: provider fields, URLs, credentials (never inline).</summary>
internal static class CheckSource
{
    public static void Validate(CheckSpec check, string at, Action<string, string> add, Platform platform = Platform.Local)
    {
        switch (check.Provider)
        {
            case MetricProvider.Gateway:
                foreach (var (field, value) in new[] { ("address", check.Address), ("query", check.Query), ("url", check.Url), ("jsonPath", check.JsonPath) })
                    if (value is not null) add($"{at}.{field}", "does not apply to provider gateway");
                break;
            case MetricProvider.Prometheus:
                if (check.Compare is not null && check.Query is not null)
                    add($"{at}.query", "does not apply to compare: stable, which reads each side's counts: write queries (requests, errors, latencyBuckets) or leave them to spec.trafficRouting's router");
                else if (check.Compare is null && string.IsNullOrWhiteSpace(check.Query)) add($"{at}.query", "is required for provider prometheus");
                Url(check.Address, $"{at}.address", required: true, add, CredentialsHint);
                break;
            case MetricProvider.Web:
                Url(check.Url, $"{at}.url", required: true, add, CredentialsHint);
                if (string.IsNullOrWhiteSpace(check.JsonPath)) add($"{at}.jsonPath", "is required for provider web (e.g. $.data.value)");
                else if (!check.JsonPath.StartsWith('$')) add($"{at}.jsonPath", $"'{check.JsonPath}' must start with $");
                break;
        }
        // On Kubernetes there is no gateway to point to: KubernetesAnalysisValidator says what to write instead.
        if (check.Compare is not null && check.Provider != MetricProvider.Gateway && platform == Platform.Local)
            add($"{at}.compare", "comparison with stable needs per-version counts and latencies: use provider gateway");
        if (check.Queries is not null && (check.Compare is null || check.Provider != MetricProvider.Prometheus))
            add($"{at}.queries", "only applies to compare: stable with provider prometheus");
        if (check.Auth is { } auth)
        {
            if (check.Provider == MetricProvider.Gateway) add($"{at}.auth", "does not apply to provider gateway");
            if ((auth.SecretEnv is null) == (auth.SecretFile is null)) add($"{at}.auth", "needs exactly one of secretEnv or secretFile (secrets are never written inline)");
        }
    }

    private const string CredentialsHint = "use auth (username: with secretEnv or secretFile) instead";

    /// <param name="credentialsHint">What to write instead of "user:password@" in the URL.</param>
    public static void Url(string? url, string field, bool required, Action<string, string> add, string credentialsHint = "remove them")
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            if (required) add(field, "is required");
            return;
        }
        var shown = SafeUrl.WithoutUserInfo(url); // never echo a password into an error, an event or a log
        var probe = url.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            add(field, $"'{shown}' is not an absolute http(s) URL");
        else if (uri.UserInfo.Length > 0 || SafeUrl.HasUserInfo(url))
            add(field, $"'{shown}' carries credentials (user:password@) that anyone who can read the Rollout sees: {credentialsHint}");
    }
}
