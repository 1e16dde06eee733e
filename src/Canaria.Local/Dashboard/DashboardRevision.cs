namespace Canaria.Local.Dashboard;

internal sealed record DashboardRevision(int Number, string Version, DateTimeOffset CreatedAt, string Role);
