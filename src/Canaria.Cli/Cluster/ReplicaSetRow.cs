using System.Globalization;
using System.Text.Json.Nodes;

namespace Canaria.Cli.Cluster;

/// <summary>One ReplicaSet of the Rollout's Deployment as the CLI shows it.</summary>
internal sealed record ReplicaSetRow(string Name, int? Revision, string Role, string TemplateHash, string PodHash, string Images, int Replicas, int Ready, DateTimeOffset Created)
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["revision"] = Revision,
        ["role"] = Role.Length == 0 ? null : Role,
        ["templateHash"] = TemplateHash,
        ["podTemplateHash"] = PodHash,
        ["images"] = Images,
        ["replicas"] = Replicas,
        ["ready"] = Ready,
        ["created"] = Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };
}
