using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>Golden signals of one version over the window; null where the data plane reported nothing.</summary>
internal sealed record VersionStat(string Version, int? Revision, string Backend, double? SuccessRate, double? Rps, double? P50Ms, double? P95Ms, double? P99Ms)
{
    public JsonObject ToJson() => new()
    {
        ["version"] = Version,
        ["revision"] = Revision,
        ["backend"] = Backend,
        ["successRate"] = SuccessRate,
        ["rps"] = Rps,
        ["p50Ms"] = P50Ms,
        ["p95Ms"] = P95Ms,
        ["p99Ms"] = P99Ms,
    };
}
