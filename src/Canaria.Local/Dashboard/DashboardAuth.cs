using Canaria.Gateway.Admin;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Dashboard;

/// <summary>
/// The dashboard's session cookie and CSRF rules. The cookie is HttpOnly and SameSite=Strict, scoped to /dashboard and
/// named after the port (cookies ignore ports, so two controllers on one machine would otherwise log each other out).
/// An operation needs the session's CSRF token in <see cref="CsrfHeader"/>, and a request from another origin is refused.
/// </summary>
internal static class DashboardAuth
{
    public const string CsrfHeader = "X-Canaria-Csrf";
    public const string Path = "/dashboard";

    public static string CookieName(HttpContext context) => "canaria_dashboard_" + context.Connection.LocalPort;

    public static DashboardSession? Session(HttpContext context, DashboardSessions sessions) =>
        sessions.Find(context.Request.Cookies[CookieName(context)]);

    public static void SetCookie(HttpContext context, DashboardSession session) =>
        context.Response.Cookies.Append(CookieName(context), session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = Path,
            IsEssential = true,
            MaxAge = DashboardSessions.MaxAge,
        });

    public static void ClearCookie(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName(context), new CookieOptions { Path = Path, HttpOnly = true, SameSite = SameSiteMode.Strict });

    /// <summary>Null when the request may change something, else why not.</summary>
    public static string? RefuseAction(HttpContext context, DashboardSession session)
    {
        if (!SameOrigin(context)) return "refused: the request comes from another origin";
        var presented = context.Request.Headers[CsrfHeader].ToString();
        return AdminAuth.TokenEquals(presented, session.Csrf) ? null
            : $"refused: the {CsrfHeader} header is missing or wrong (reload the dashboard)";
    }

    /// <summary>
    /// True when the browser says the request comes from this origin (or says nothing, as non-browser clients do). Both
    /// <c>Origin</c> and <c>Sec-Fetch-Site</c> are set by the browser, never by a page's script.
    /// </summary>
    public static bool SameOrigin(HttpContext context)
    {
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin" && site != "none") return false;
        var origin = context.Request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Headers on every dashboard answer: no caching, no framing, no sniffing, nothing loaded from elsewhere.</summary>
    public static void Harden(HttpResponse response)
    {
        var h = response.Headers;
        h.CacheControl = "no-store";
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "same-origin"; // not "no-referrer": that makes the browser send "Origin: null" with the login form
        h.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }
}
