using System.Net;
using Canaria.Core.Engine;
using Canaria.EndToEnd.Tests.Rollouts;
using Canaria.Tests.Support;
using Microsoft.Playwright;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard's authentication against a real controller, in a real browser (Debian's chromium).</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class DashboardAuthTests
{
    private static readonly string[] ReadPaths =
        ["", "/", "assets/app.js", "assets/style.css", "api/session", "api/rollouts", "api/rollouts/auth", "api/stream", "api/stream?rollout=auth", "no-such-page"];

    [Fact]
    public async Task Dashboard_WithoutSession_EveryPageAndApiAnswers401AndThePageShowsTheLogin()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec("auth", "v1", SampleRollout.ManualCanarySteps(50)));
        await f.WaitHealthyAsync("auth", "v1");
        var root = DashboardSession.BaseAddress(f);
        using var http = new HttpClient();
        foreach (var path in ReadPaths)
        {
            var url = path.Length == 0 ? root.ToString().TrimEnd('/') : root + path;
            using var plain = await http.GetAsync(url);
            Assert.True(plain.StatusCode == HttpStatusCode.Unauthorized, $"GET {url} without a session answered {(int)plain.StatusCode}");
            using var forged = new HttpRequestMessage(HttpMethod.Get, url);
            forged.Headers.Add("Cookie", $"canaria_dashboard_{f.Host.ApiAddress.Port}=not-a-session");
            forged.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");
            using var withForgedCookie = await http.SendAsync(forged);
            Assert.True(withForgedCookie.StatusCode == HttpStatusCode.Unauthorized, $"GET {url} with a made-up cookie answered {(int)withForgedCookie.StatusCode}");
        }
        using var post = await http.PostAsync(root + "api/rollouts/auth/abort", null);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(RolloutPhase.Healthy, f.View("auth").Status.Phase);

        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(root + "#/rollouts/auth");
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator("input#token[type=password]")).ToBeVisibleAsync();
        Assert.Empty(await page.Context.CookiesAsync());
    }

    [Fact]
    public async Task Login_WrongTokenThenRightToken_RefusedWithoutSessionThenListShown()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec("login", "v1", SampleRollout.ManualCanarySteps(50)));
        await f.WaitHealthyAsync("login", "v1");
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(DashboardSession.BaseAddress(f).ToString());

        await page.FillAsync("#token", f.Host.Token[..^1] + (f.Host.Token[^1] == 'a' ? 'b' : 'a'));
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Url.EndsWith("/dashboard/login", StringComparison.Ordinal));
        Assert.Equal(401, refused.Status);
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("not this controller's token");
        Assert.Empty(await page.Context.CookiesAsync());
        var api = await page.Context.APIRequest.GetAsync(DashboardSession.BaseAddress(f) + "api/rollouts");
        Assert.Equal(401, api.Status);

        await page.FillAsync("#token", f.Host.Token);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("tr[data-rollout=login]")).ToContainTextAsync("Healthy", new() { Timeout = 15_000 });
        var cookie = Assert.Single(await page.Context.CookiesAsync());
        Assert.True(cookie.HttpOnly, "the session cookie must be HttpOnly");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/dashboard", cookie.Path);
        Assert.Equal("", await page.EvaluateAsync<string>("document.cookie")); // scripts cannot read it
    }

    [Fact]
    public async Task Login_MoreAttemptsThanTheLimitInAMinute_429WithRetryAfterEvenForTheRightToken()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        var root = DashboardSession.BaseAddress(f);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        for (var i = 0; i < Canaria.Local.Dashboard.Login.DashboardLoginLimiter.AttemptsPerWindow; i++)
        {
            using var wrong = await http.PostAsync(root + "login", new FormUrlEncodedContent([new("token", "guess-" + i)]));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await http.PostAsync(root + "login", new FormUrlEncodedContent([new("token", f.Host.Token)]));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retry = limited.Headers.RetryAfter?.Delta;
        Assert.True(retry > TimeSpan.Zero && retry <= TimeSpan.FromMinutes(1), $"Retry-After: {retry}");
        Assert.Contains("Too many login attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(limited.Headers.Contains("Set-Cookie"), "a refused login must not start a session");
    }

    [Fact]
    public async Task Action_WithoutOrWithWrongCsrfToken_Refused403AndTheRolloutStaysPaused()
    {
        const string name = "csrf";
        await using var f = await DashboardSession.StartPausedAtCanaryAsync(name, 30);
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await DashboardSession.LoginAsync(page, f, name);

        // The logged-in page's own origin, with the session cookie: only the CSRF header is missing or wrong.
        var statuses = await page.EvaluateAsync<int[]>("""
            async () => {
              const url = '/dashboard/api/rollouts/csrf/abort';
              const none = await fetch(url, { method: 'POST', credentials: 'same-origin' });
              const wrong = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'X-Canaria-Csrf': 'guessed' } });
              const logout = await fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin' });
              return [none.status, wrong.status, logout.status];
            }
            """);
        Assert.Equal([403, 403, 403], statuses);
        // A command that passed would have been answered only after the loop applied it, so the state now is final.
        var view = f.View(name);
        Assert.Equal(RolloutPhase.Paused, view.Status.Phase);
        Assert.Equal(30, view.AppliedTraffic?.CanaryWeight);

        // The same request with the page's token goes through, so the refusals above were about the token only.
        var ok = await page.EvaluateAsync<int>("""
            async () => {
              const session = await (await fetch('/dashboard/api/session')).json();
              return (await fetch('/dashboard/api/rollouts/csrf/promote', { method: 'POST', headers: { 'X-Canaria-Csrf': session.csrf } })).status;
            }
            """);
        Assert.Equal(200, ok);
    }

    [Fact]
    public async Task DashboardApi_HostileOrBrokenRequests_ClearErrorsAndTheRolloutUnchanged()
    {
        const string name = "hostile";
        await using var f = await DashboardSession.StartPausedAtCanaryAsync(name, 30);
        var root = DashboardSession.BaseAddress(f);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true });

        using var huge = await http.PostAsync(root + "login", new FormUrlEncodedContent([new("token", new string('x', 100_000))]));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, root + "login") { Content = new FormUrlEncodedContent([new("token", f.Host.Token)]) };
        foreign.Headers.Add("Origin", "http://evil.example");
        using var foreignAnswer = await http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, foreignAnswer.StatusCode); // the right token, posted by another site's page
        using var login = await http.PostAsync(root + "login", new FormUrlEncodedContent([new("token", f.Host.Token)]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var csrf = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(root + "api/session")).RootElement.GetProperty("csrf").GetString()!;

        async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string? origin = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, root + path);
            request.Headers.Add("X-Canaria-Csrf", csrf);
            if (origin is not null) request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            using var json = System.Text.Json.JsonDocument.Parse(text); // every answer, refusals included, is JSON with a message
            return (response.StatusCode, json.RootElement.GetProperty("message").GetString()!);
        }
        var unknown = await PostAsync($"api/rollouts/{name}/explode");
        Assert.Equal(HttpStatusCode.Conflict, unknown.Status);
        Assert.Contains("unknown operation 'explode'", unknown.Body, StringComparison.Ordinal);
        var noStep = await PostAsync($"api/rollouts/{name}/jump");
        Assert.Contains("jump needs the step", noStep.Body, StringComparison.Ordinal);
        var badStep = await PostAsync($"api/rollouts/{name}/jump?step=first");
        Assert.Equal(HttpStatusCode.BadRequest, badStep.Status);
        var farStep = await PostAsync($"api/rollouts/{name}/jump?step=99");
        Assert.False(farStep.Status == HttpStatusCode.OK, $"jump to step 99 of 1 was accepted: {farStep.Body}");
        var missing = await PostAsync("api/rollouts/no-such/abort");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var crossSite = await PostAsync($"api/rollouts/{name}/abort", origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.Status);
        using var missingPage = await http.GetAsync(root + "api/rollouts/no-such");
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);

        var view = f.View(name);
        Assert.Equal(RolloutPhase.Paused, view.Status.Phase);
        Assert.Equal(0, view.Status.StepIndex);
        Assert.Equal(30, view.AppliedTraffic?.CanaryWeight);
    }

    [Fact]
    public async Task ControllerStop_WithADashboardStreamOpen_EndsTheStreamAndStopsPromptly()
    {
        var f = await LocalRolloutFixture.StartAsync();
        var disposed = false;
        try
        {
            var root = DashboardSession.BaseAddress(f);
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { Timeout = Timeout.InfiniteTimeSpan };
            using var login = await http.PostAsync(root + "login", new FormUrlEncodedContent([new("token", f.Host.Token)]));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            using var stream = await http.GetAsync(root + "api/stream", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
            var body = await stream.Content.ReadAsStreamAsync();
            var reading = new StreamReader(body).ReadToEndAsync();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            disposed = true;
            await f.DisposeAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the controller took {clock.Elapsed.TotalSeconds:F1} s to stop with a dashboard stream open");
            var text = await reading.WaitAsync(TimeSpan.FromSeconds(5)); // the stream ended with the controller
            Assert.Contains("event: rollouts", text, StringComparison.Ordinal);
        }
        finally
        {
            if (!disposed) await f.DisposeAsync();
        }
    }
}
