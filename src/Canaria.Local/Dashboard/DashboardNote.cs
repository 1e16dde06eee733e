namespace Canaria.Local.Dashboard;

/// <summary>A sentence shown with the charts: where the points come from, or (<c>Error</c>) why the latest read failed.</summary>
internal sealed record DashboardNote(string? Message, bool Error)
{
    public static readonly DashboardNote None = new(null, false);
}
