using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Local.Dashboard;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// A Rollout read from the cluster as the dashboard shows it: the engine's status (status.canaria) for steps, state and
/// analysis, the printer fields (status.phase, status.message, status.weight) as the controller wrote them, and the
/// Deployment's ReplicaSets for versions and ready/desired replicas.
/// </summary>
internal static class ClusterRolloutMapping
{
    public static DashboardRollout Map(ClusterRolloutView view, RolloutSpec? spec)
    {
        var status = view.Status;
        var engine = Engine(status);
        var phase = (string?)status?["phase"];
        var message = (string?)status?["message"] ?? (status is null ? "no status yet: is `canaria controller` running and watching this namespace?" : "");
        var strategy = spec?.Strategy.Kind.ToString() ?? "";
        var rollout = engine is null
            ? new DashboardRollout { Name = view.Name, Phase = phase ?? "Pending", Strategy = strategy, Steps = spec is null ? [] : DashboardMapping.Pipeline(spec) }
            : DashboardMapping.FromStatus(view.Name, strategy, engine, spec);
        return rollout with
        {
            Phase = phase ?? rollout.Phase,
            Message = message,
            Service = spec?.Service?.Name,
            Versions = Versions(view, ClusterRolloutView.Int(status?["weight"]) ?? 0),
        };
    }

    /// <summary>The stable and canary ReplicaSets with their share of traffic (status.weight is the canary's) and replicas.</summary>
    private static IReadOnlyList<DashboardVersion> Versions(ClusterRolloutView view, int canaryWeight)
    {
        var rows = view.ReplicaSets().Where(rs => rs.Role.Length > 0).ToList();
        var hasCanary = rows.Any(rs => rs.Role == "canary");
        var desired = view.Status?["plan"] as JsonObject;
        return [.. rows.Select(rs => new DashboardVersion(rs.Revision ?? 0, rs.Images, rs.Role,
            rs.Role == "canary" ? canaryWeight : hasCanary ? 100 - canaryWeight : 100,
            rs.Ready, ClusterRolloutView.Int(desired?[rs.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""]) ?? rs.Replicas))];
    }

    private static RolloutStatus? Engine(JsonObject? status)
    {
        if (status?["canaria"] is not JsonObject engine) return null;
        try
        {
            return engine.Deserialize<RolloutStatus>(CoreJson.Options);
        }
        catch (JsonException)
        {
            return null; // edited by hand: show the printer fields only
        }
    }
}
