using System.Diagnostics;
using System.Net;
using Canaria.EndToEnd.Tests.Rollouts;
using Canaria.EndToEnd.Tests.Support;
using Canaria.Local.Dashboard.Login;
using Canaria.Tests.Support;
using Microsoft.Playwright;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>`canaria dashboard` as a real process against a real controller.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class DashboardCommandTests
{
    [Fact]
    public async Task DashboardCommand_RunningController_PrintsAOneTimeLinkAndTheTokenPathButNotTheToken()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec("cli", "v1", SampleRollout.ManualCanarySteps(50)));
        var link = await LoginLinkAsync(f, "cli");
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/dashboard/login\?code=[A-Za-z0-9_-]{43}#/rollouts/cli$", link.ToString());
        var (_, output) = await RunAsync("dashboard", "--state-dir", f.StateDir);
        Assert.Contains(Path.Combine(f.StateDir, "token"), output, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Host.Token, output, StringComparison.Ordinal);

        // The exchange: never cached, no Referer onward, and a redirect to the page without the code (the #fragment stays with the browser).
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var exchange = await http.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, exchange.StatusCode);
        Assert.Equal("/dashboard/", exchange.Headers.Location?.ToString());
        Assert.Equal("no-referrer", exchange.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", exchange.Headers.CacheControl?.ToString());
        Assert.Contains(exchange.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        using var page = await http.GetAsync(new Uri(f.Host.ApiAddress, "/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode); // the address alone is the login form
        Assert.Contains("name=\"token\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (missing, missingOutput) = await RunAsync("dashboard", "nope", "--state-dir", f.StateDir);
        Assert.True(missing == 4, $"an unknown rollout should exit 4, got {missing}: {missingOutput}");
    }

    [Fact]
    public async Task LoginLink_OpenedTwice_FirstLogsInWithACleanAddressSecondIsRefused()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec("once", "v1", SampleRollout.ManualCanarySteps(50)));
        await f.WaitHealthyAsync("once", "v1");
        var link = await LoginLinkAsync(f, "once");
        await using var browser = await DashboardBrowser.LaunchAsync();

        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(link.ToString());
        Assert.True(response!.Ok, $"the link answered {response.Status}");
        Assert.Equal(new Uri(f.Host.ApiAddress, "/dashboard/#/rollouts/once").ToString(), page.Url); // no code in the address bar
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("once", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });

        var again = await browser.NewPageAsync(); // another browser profile, as someone who found the link in a history or a scrollback
        var refused = await again.GotoAsync(link.ToString());
        Assert.Equal(401, refused!.Status);
        await Assertions.Expect(again.Locator(".error")).ToContainTextAsync("already used");
        await Assertions.Expect(again.Locator(".next")).ToContainTextAsync("canaria dashboard");
        Assert.Empty(await again.Context.CookiesAsync());
    }

    [Fact]
    public async Task LoginLink_OpenedAfterTwoMinutes_RefusedAsExpiredWithHowToGetANewOne()
    {
        var clock = new ShiftedClock();
        await using var f = await LocalRolloutFixture.StartAsync(time: clock);
        var link = await LoginLinkAsync(f, null);
        clock.Advance(DashboardLoginCodes.Lifetime + TimeSpan.FromSeconds(1));
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(link.ToString());
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("expired");
        await Assertions.Expect(page.Locator(".next")).ToContainTextAsync("canaria dashboard");
        await Assertions.Expect(page.Locator("input#token")).ToBeVisibleAsync(); // the token login stays
        Assert.Empty(await page.Context.CookiesAsync());

        var fresh = await LoginLinkAsync(f, null); // a new link works at the new time
        var next = await browser.NewPageAsync();
        Assert.True((await next.GotoAsync(fresh.ToString()))!.Ok);
        await Assertions.Expect(next.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
    }

    /// <summary>The link `canaria dashboard [NAME]` prints (its only stdout line).</summary>
    private static async Task<Uri> LoginLinkAsync(LocalRolloutFixture f, string? rollout)
    {
        var (code, output) = await RunAsync(rollout is null ? ["dashboard", "--state-dir", f.StateDir] : ["dashboard", rollout, "--state-dir", f.StateDir]);
        Assert.True(code == 0, $"exit {code}: {output}");
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("http://", StringComparison.Ordinal));
        Assert.True(line is not null, "no link printed: " + output);
        return new Uri(line);
    }

    [Fact]
    public async Task DashboardCommand_NoControllerRunning_Exits3AndSaysSo()
    {
        var dir = Path.Combine(Path.GetTempPath(), "canaria-dash-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, output) = await RunAsync("dashboard", "--state-dir", dir);
            Assert.True(code == 3, $"exit {code}: {output}");
            Assert.Contains("no controller is running", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var owned = new List<Process>();
        var process = CliProcess.Start(owned, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the redirected output
        var result = (process.ExitCode, CliProcess.Output(process));
        process.Dispose();
        return result;
    }
}
