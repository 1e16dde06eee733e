namespace Canaria.Local.Dashboard;

internal sealed record DashboardEvent(DateTimeOffset At, string Type, string Reason, string Message);
