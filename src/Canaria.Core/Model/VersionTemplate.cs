namespace Canaria.Core.Model;

/// <summary>How one version of the service runs on the local platform.</summary>
internal sealed record VersionTemplate
{
    /// <summary>The version's label, shown in routing headers, metrics and reports (e.g. v2).</summary>
    public string Version { get; init; } = "";

    /// <summary>Command line with {port}, {version}, {replica}, {instance} placeholders.</summary>
    public string? Command { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Names of the controller's environment variables the replicas inherit beyond the allow-list (PATH, HOME, LANG,
    /// ...); null when not written (then it is left out of the stored template, so revision hashes stay).
    /// </summary>
    public IReadOnlyList<string>? InheritEnv { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Fixed upstream URLs that Canaria routes to but does not run.</summary>
    public IReadOnlyList<string> Upstreams { get; init; } = [];

    public ReadinessSpec Readiness { get; init; } = new();
}
