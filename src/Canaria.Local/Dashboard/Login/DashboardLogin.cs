namespace Canaria.Local.Dashboard.Login;

/// <summary>
/// How a browser logs in to a dashboard: with a one-time code from a printed link (<c>GET /dashboard/login?code=…</c>,
/// see <see cref="DashboardLoginCodes"/>), and, where there is a token a user can read, with that token in the login form
/// (null: no form). The login page's explanations are trusted HTML written by Canaria, never from input.
/// </summary>
/// <param name="NewLinkHtml">Where to get a fresh login link, shown when a used or expired one is refused.</param>
internal sealed record DashboardLogin(string? Token, string HintHtml, string ApiHint, string WrongToken, string NewLinkHtml)
{
    /// <summary>The local controller's: its API token (the file <c>token</c> of the state directory) in the form, or a link from <c>canaria dashboard</c>.</summary>
    public static DashboardLogin Controller(string token) => new(token,
        "Open the link <code>canaria dashboard</code> prints (it logs you in once), or enter this controller's API token: " +
        "it is in the file <code>token</code> of the state directory. The browser then keeps a session cookie.",
        "log in to the dashboard first (the link `canaria dashboard` prints, or the controller's token from the state directory)",
        "That is not this controller's token.",
        "Run <code>canaria dashboard</code> again for a new link (each works once, for 2 minutes), or enter the token below.");
}
