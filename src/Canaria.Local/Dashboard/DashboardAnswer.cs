namespace Canaria.Local.Dashboard;

/// <summary>The source's answer to an operation, with the HTTP status the dashboard API returns.</summary>
internal sealed record DashboardAnswer(bool Ok, int Status, string Message);
