namespace Canaria.Cli.Cluster.Stat;

/// <summary>What names the stable and canary versions in a data plane's labels: their Services, pod-template-hashes and `version` pod labels.</summary>
internal sealed record StatTargets
{
    public required string Namespace { get; init; }
    public required string StableService { get; init; }
    public required string CanaryService { get; init; }
    public string? StablePodHash { get; init; }
    public string? CanaryPodHash { get; init; }

    /// <summary>The pod template's `version` (or app.kubernetes.io/version) label, which Istio reports as destination_version.</summary>
    public string? StableVersionLabel { get; init; }
    public string? CanaryVersionLabel { get; init; }
}
