using System.Net;
using Canaria.Core.Serialization;
using Canaria.Gateway.Admin;
using Canaria.Local.Controller;
using Canaria.Local.Dashboard.Login;
using Canaria.Local.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Canaria.Local.Dashboard;

/// <summary>
/// The dashboard under /dashboard on the controller's API host. Nothing is served without a session: every page, asset
/// and API answers 401 (pages with the login form) until the controller's token was entered once at POST
/// /dashboard/login, which sets the session cookie, or a printed link with a one-time code was opened (GET /dashboard/login?code=…).
/// Logins are rate-limited per client (<see cref="DashboardLoginLimiter"/>). Operations also need the session's CSRF token.
/// </summary>
internal static class DashboardEndpoints
{
    private const string LoginPage = "login.html";

    private const string TokenFields = """
        <label for="token">Token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
          <button type="submit">Log in</button>
        """;

    // The login form is one short field: anything much larger is refused before it is buffered.
    private static readonly FormOptions LoginForm = new() { ValueCountLimit = 4, KeyLengthLimit = 32, ValueLengthLimit = 1024, MultipartBodyLengthLimit = 4096, BufferBodyLengthLimit = 4096 };

    public static void MapDashboard(this IEndpointRouteBuilder app, IDashboardSource source, DashboardSessions sessions, DashboardLogin login,
        DashboardLoginCodes codes, TimeProvider time)
    {
        var limiter = new DashboardLoginLimiter(time);
        if (login.Token is not null)
        {
            app.MapPost(DashboardAuth.Path + "/login", async (HttpContext context) =>
            {
                DashboardAuth.Harden(context.Response);
                if (!DashboardAuth.SameOrigin(context)) return Login(context, login, 403, "This login came from another site and was refused.");
                if (TooMany(context, limiter, login) is { } refused) return refused;
                IFormCollection? form = null;
                try
                {
                    if (context.Request.HasFormContentType) form = await context.Request.ReadFormAsync(LoginForm, context.RequestAborted).ConfigureAwait(false);
                }
                catch (InvalidDataException)
                {
                    return Login(context, login, 400, "The login form was too large.");
                }
                if (!AdminAuth.TokenEquals(form?["token"].ToString().Trim(), login.Token)) return Login(context, login, 401, login.WrongToken);
                return StartSession(context, sessions);
            });
        }
        // A printed link: a top-level navigation (a cross-site one too, as when a terminal opens it; the one-time code proves
        // who it is). The answer is never cached and sends no Referer on, and the redirect leaves the code out of the address bar.
        app.MapGet(DashboardAuth.Path + "/login", (HttpContext context, string? code) =>
        {
            DashboardAuth.Harden(context.Response);
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (code is null) return Login(context, login, 401, null);
            if (TooMany(context, limiter, login) is { } refused) return refused;
            return codes.Redeem(code) switch
            {
                LoginCodeResult.Accepted => StartSession(context, sessions),
                LoginCodeResult.Used => Login(context, login, 401, "This login link was already used: each link logs in one browser, once.", login.NewLinkHtml),
                LoginCodeResult.Expired => Login(context, login, 401,
                    $"This login link has expired: links work for {DashboardLoginCodes.Lifetime.TotalMinutes:0} minutes.", login.NewLinkHtml),
                _ => Login(context, login, 401, "This is not a login link of this dashboard (it may be from an earlier run).", login.NewLinkHtml),
            };
        });

        var group = app.MapGroup(DashboardAuth.Path).AddEndpointFilter(async (ctx, next) =>
        {
            var context = ctx.HttpContext;
            DashboardAuth.Harden(context.Response);
            if (DashboardAuth.Session(context, sessions) is not { } session)
            {
                return IsApi(context) ? Message(401, login.ApiHint) : Login(context, login, 401, null);
            }
            context.Items[typeof(DashboardSession)] = session;
            if (!HttpMethods.IsGet(context.Request.Method) && DashboardAuth.RefuseAction(context, session) is { } why)
                return Message(403, why);
            return await next(ctx).ConfigureAwait(false);
        }).AddEndpointFilter(async (ctx, next) =>
        {
            try
            {
                return await next(ctx).ConfigureAwait(false);
            }
            catch (Exception e) when (StoreFailures.IsStoreFailure(e))
            {
                return Message(503, "state store: " + e.Message);
            }
        });

        group.MapGet("/", () => Page());
        group.MapGet("/assets/{file}", (string file) =>
            file != LoginPage && DashboardAssets.Get(file) is { } bytes ? Results.Bytes(bytes, DashboardAssets.ContentType(file)) : Message(404, "no such file"));
        group.MapPost("/logout", (HttpContext context) =>
        {
            sessions.End(Session(context).Id);
            DashboardAuth.ClearCookie(context);
            return Results.Json(new { ok = true, message = "logged out" });
        });

        group.MapGet("/api/session", (HttpContext context) => Results.Json(new { csrf = Session(context).Csrf, platform = source.Platform }));
        group.MapGet("/api/rollouts", async (CancellationToken ct) => Json(await source.ListAsync(ct).ConfigureAwait(false)));
        group.MapGet("/api/rollouts/{name}", async (string name, CancellationToken ct) =>
            await source.GetAsync(name, ct).ConfigureAwait(false) is { } rollout ? Json(rollout) : Message(404, $"rollout '{name}' not found"));
        group.MapGet("/api/stream", (HttpContext context, string? rollout) =>
            DashboardStream.RunAsync(context, source, sessions, rollout, time));
        group.MapPost("/api/rollouts/{name}/{op}", async (string name, string op, int? step, int? toRevision, CancellationToken ct) =>
        {
            var answer = await source.ActAsync(name, new DashboardAction(op, step, toRevision), ct).ConfigureAwait(false);
            return Results.Json(answer, CoreJson.Options, statusCode: answer.Status);
        });
        group.Map("/{**rest}", () => Message(404, "no such dashboard page"));
    }

    /// <summary>A new session for this browser and a redirect to the dashboard's clean address (the browser keeps a link's #fragment).</summary>
    private static IResult StartSession(HttpContext context, DashboardSessions sessions)
    {
        DashboardAuth.SetCookie(context, sessions.Create());
        return Results.Redirect(DashboardAuth.Path + "/", permanent: false, preserveMethod: false);
    }

    private static IResult? TooMany(HttpContext context, DashboardLoginLimiter limiter, DashboardLogin login)
    {
        if (limiter.Attempt(context.Connection.RemoteIpAddress) is not { } wait) return null;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Login(context, login, 429, $"Too many login attempts from this address (at most {DashboardLoginLimiter.AttemptsPerWindow} a minute); try again in {seconds} s.");
    }

    private static DashboardSession Session(HttpContext context) => (DashboardSession)context.Items[typeof(DashboardSession)]!;

    private static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments(DashboardAuth.Path + "/api") || context.Request.Path.StartsWithSegments(DashboardAuth.Path + "/assets")
        || !HttpMethods.IsGet(context.Request.Method);

    private static IResult Page() => Results.Content(DashboardAssets.Text("index.html"), "text/html; charset=utf-8");

    private static IResult Json(object value) => Results.Json(value, CoreJson.Options);

    private static IResult Message(int status, string message) => Results.Json(new { ok = false, message }, statusCode: status);

    /// <summary>The login page (no script; its styles are inline, so nothing else is served before login), with the token form where there is a token.</summary>
    private static IResult Login(HttpContext context, DashboardLogin login, int status, string? error, string? nextHtml = null)
    {
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        var alert = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>" + (nextHtml is null ? "" : $"<p class=\"next\">{nextHtml}</p>");
        var fields = login.Token is null ? "" : TokenFields;
        var html = DashboardAssets.Text(LoginPage).Replace("{{hint}}", login.HintHtml, StringComparison.Ordinal)
            .Replace("{{error}}", alert, StringComparison.Ordinal).Replace("{{fields}}", fields, StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
