using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster;

/// <summary>One revision of a Rollout on a cluster: Canaria's number, the template hash, and its ReplicaSet if it still exists.</summary>
internal sealed record ClusterHistory(int Revision, string Hash, string? ReplicaSet, string? Images, DateTimeOffset? Created, string Role)
{
    /// <summary>status.revisions joined with the Deployment's ReplicaSets (by template hash), oldest revision first.</summary>
    public static IReadOnlyList<ClusterHistory> Of(ClusterRolloutView v)
    {
        var sets = v.ReplicaSets();
        return v.Revisions.OrderBy(p => p.Value).Select(p =>
        {
            var rs = sets.FirstOrDefault(x => x.TemplateHash == p.Key);
            var role = p.Value == v.CanaryRevision ? "canary" : p.Value == v.StableRevision ? "stable" : "";
            return new ClusterHistory(p.Value, p.Key, rs?.Name, rs?.Images, rs?.Created, role);
        }).ToList();
    }

    public JsonObject ToJson() => new()
    {
        ["revision"] = Revision,
        ["hash"] = Hash,
        ["replicaSet"] = ReplicaSet,
        ["images"] = Images,
        ["created"] = Created?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["role"] = Role.Length == 0 ? null : Role,
    };
}
