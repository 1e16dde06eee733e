namespace Canaria.Local.Dashboard;

/// <summary>
/// How a browser logs in to a dashboard: the token it must present, the login page's explanation of where the token is
/// (trusted HTML, written by Canaria, never from input) and whether <c>GET /dashboard/login?token=…</c> (a link printed
/// by <c>kubectl canaria dashboard</c>) may log in as well as the form.
/// </summary>
internal sealed record DashboardLogin(string Token, string HintHtml, string ApiHint, string WrongToken, bool LinkLogin = false)
{
    /// <summary>The local controller's: its API token, from the state directory; the form only (that token is long-lived).</summary>
    public static DashboardLogin Controller(string token) => new(token,
        "Enter this controller's API token once: it is in the file <code>token</code> of the state directory " +
        "(<code>canaria dashboard</code> prints where). The browser then keeps a session cookie.",
        "log in to the dashboard first (the controller's token, see the token file in the state directory)",
        "That is not this controller's token.");
}
