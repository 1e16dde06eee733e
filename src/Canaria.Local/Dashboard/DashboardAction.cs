namespace Canaria.Local.Dashboard;

/// <summary>An operation from a button: <c>Op</c> is promote, promote-full, pause, resume, abort, retry, jump or undo.</summary>
internal sealed record DashboardAction(string Op, int? Step = null, int? ToRevision = null);
