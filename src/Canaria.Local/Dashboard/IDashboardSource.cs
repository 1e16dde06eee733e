using Canaria.Local.Dashboard.Series;

namespace Canaria.Local.Dashboard;

/// <summary>
/// Where the dashboard reads rollouts and sends operations. The local controller is one source
/// (<see cref="LocalDashboardSource"/>); a cluster source (requests made as the kubeconfig user, so RBAC decides what
/// is shown and which operations work) plugs in here without touching the server, the session handling or the page.
/// Answers are the source's own words: a refused operation's message is shown to the user as it is.
/// </summary>
internal interface IDashboardSource
{
    /// <summary>"local" or "kubernetes": shown in the page header.</summary>
    string Platform { get; }

    /// <summary>What the source could not read at its last read (shown above the page), or null.</summary>
    string? Problem { get; }

    ValueTask<IReadOnlyList<DashboardRollout>> ListAsync(CancellationToken ct);

    ValueTask<DashboardRollout?> GetAsync(string name, CancellationToken ct);

    /// <summary>The newest decisions, oldest first.</summary>
    ValueTask<IReadOnlyList<DashboardEvent>> HistoryAsync(string name, int limit, CancellationToken ct);

    ValueTask<IReadOnlyList<DashboardRevision>> RevisionsAsync(string name, CancellationToken ct);

    /// <summary>Chart points newer than <paramref name="after"/>; a source without time series returns none.</summary>
    SeriesSlice Series(string name, long after);

    /// <summary>Where the golden signals come from or why there are none (shown with the charts), or null when there is nothing to say.</summary>
    DashboardNote? SignalsNote(string name);

    ValueTask<DashboardAnswer> ActAsync(string name, DashboardAction action, CancellationToken ct);
}
