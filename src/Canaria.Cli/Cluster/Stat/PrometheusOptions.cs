namespace Canaria.Cli.Cluster.Stat;

/// <summary>The checks of a Prometheus address and a rate window, shared by `stat` and `dashboard` on a cluster.</summary>
internal static class PrometheusOptions
{
    /// <summary>The base URL (with a trailing slash, so relative API paths stay under it), or null with what is wrong.</summary>
    public static Uri? Address(string option, string text, out string? error)
    {
        error = null;
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var address) && address.Scheme is "http" or "https") return address;
        error = $"{option} {text}: not an http(s) URL";
        return null;
    }

    /// <summary>A PromQL range of whole seconds (at least 1s), or null with what is wrong.</summary>
    public static string? Window(string option, string text, out string? error)
    {
        error = null;
        if (ClusterOptions.ParseDuration(text) is not { } span)
        {
            error = $"{option} {text}: not a duration (e.g. 30s, 1m)";
            return null;
        }
        if (span < TimeSpan.FromSeconds(1))
        {
            error = $"{option} {text}: at least 1s (Prometheus ranges are whole seconds here, and rate() needs two scrapes inside the window)";
            return null;
        }
        return $"{(long)span.TotalSeconds}s";
    }
}
