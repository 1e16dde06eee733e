namespace Canaria.Local.Dashboard;

/// <summary>One written step (or the final full promotion) as the pipeline shows it.</summary>
internal sealed record DashboardStep(int Index, int Traffic, int Replicas, int Matches, int Mirror, string? Pause, bool Final)
{
    /// <summary>The split as the step wrote it: "10%", or "250/750 (75%)" for weights.</summary>
    public string TrafficText { get; init; } = $"{Traffic}%";
}
