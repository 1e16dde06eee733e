namespace Canaria.Local.Dashboard;

/// <summary>One logged-in browser: the cookie's value and the CSRF token its page sends with every operation.</summary>
internal sealed record DashboardSession(string Id, string Csrf, DateTimeOffset CreatedAt)
{
    public DateTimeOffset LastSeen { get; set; }
}
