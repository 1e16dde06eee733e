namespace Canaria.Local.Dashboard;

/// <summary>One analysis check's last verdict with its evidence; <c>Sequential</c> marks an SPRT check (it has an LLR chart).</summary>
internal sealed record DashboardCheck(string Name, string Kind, bool Sequential, string? Verdict, string? Evidence, DateTimeOffset? MeasuredAt, int Measurements, int Failures);
