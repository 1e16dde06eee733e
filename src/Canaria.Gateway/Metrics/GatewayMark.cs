namespace Canaria.Gateway.Metrics;

/// <summary>
/// The totals of some versions at one moment, kept by the gateway under a key the controller chooses (e.g. the start
/// of an analysis window). It lives as long as the gateway process, so a controller restarted mid-step finds its
/// baseline again and counts neither twice nor too few.
/// </summary>
internal sealed record GatewayMark(string Key, string Group, DateTimeOffset At, IReadOnlyList<VersionTotals> Versions)
{
    /// <summary>The gateway process (runtime instance) whose counters the mark is in.</summary>
    public string Instance { get; init; } = "";
}
