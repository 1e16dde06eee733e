namespace Canaria.Local.Dashboard;

/// <summary>A running version: its role, its share of traffic as the data plane applies it, and replicas.</summary>
internal sealed record DashboardVersion(int Revision, string Version, string Role, int Weight, int ReadyReplicas, int DesiredReplicas)
{
    /// <summary>"75%", or "750 (75%)" when the step wrote weights.</summary>
    public string WeightText { get; init; } = $"{Weight}%";
}
