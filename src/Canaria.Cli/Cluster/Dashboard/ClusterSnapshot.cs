using Canaria.Local.Dashboard;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// The namespace's Rollouts as last read (with their Deployments and ReplicaSets), when, and what could not be read (the
/// API's own message, e.g. RBAC forbidding a list), or null when everything was.
/// </summary>
internal sealed record ClusterSnapshot(DateTimeOffset At, IReadOnlyList<DashboardRollout> Rollouts, IReadOnlyDictionary<string, ClusterRolloutView> Views, string? Problem)
{
    public static readonly ClusterSnapshot None = new(DateTimeOffset.MinValue, [], new Dictionary<string, ClusterRolloutView>(), null);
}
