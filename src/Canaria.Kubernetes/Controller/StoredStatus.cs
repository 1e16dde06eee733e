using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Serialization;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>What the controller keeps in a Rollout's status between reconciles, read back from the object.</summary>
internal sealed record StoredStatus
{
    /// <summary>The engine's status (status.canaria); null before the first reconcile.</summary>
    public RolloutStatus? Engine { get; init; }

    /// <summary>Revision number per template hash (status.revisions).</summary>
    public IReadOnlyDictionary<string, int> Revisions { get; init; } = new Dictionary<string, int>();

    /// <summary>Pods per revision Canaria last asked for (status.plan).</summary>
    public IReadOnlyDictionary<int, int> Plan { get; init; } = new Dictionary<int, int>();

    public string? CommandApplied { get; init; }

    public static StoredStatus Of(JsonObject rollout)
    {
        var status = rollout["status"] as JsonObject;
        RolloutStatus? engine = null;
        if (status?["canaria"] is JsonObject c)
        {
            try
            {
                engine = c.Deserialize<RolloutStatus>(CoreJson.Options);
            }
            catch (JsonException)
            {
                engine = null; // unreadable (edited by hand): start over from what runs
            }
        }
        var revisions = (status?["revisions"] as JsonObject)?
            .Where(p => DeploymentView.Int(p.Value) is not null)
            .ToDictionary(p => p.Key, p => DeploymentView.Int(p.Value)!.Value, StringComparer.Ordinal) ?? [];
        var plan = (status?["plan"] as JsonObject)?
            .Where(p => int.TryParse(p.Key, CultureInfo.InvariantCulture, out _) && DeploymentView.Int(p.Value) is not null)
            .ToDictionary(p => int.Parse(p.Key, CultureInfo.InvariantCulture), p => DeploymentView.Int(p.Value)!.Value) ?? [];
        return new StoredStatus { Engine = engine, Revisions = revisions, Plan = plan, CommandApplied = (string?)status?["commandApplied"] };
    }
}
