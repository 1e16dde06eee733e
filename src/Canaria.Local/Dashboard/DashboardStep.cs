namespace Canaria.Local.Dashboard;

/// <summary>One written step (or the final full promotion) as the pipeline shows it.</summary>
internal sealed record DashboardStep(int Index, int Traffic, int Replicas, int Matches, int Mirror, string? Pause, bool Final);
