using System.Diagnostics;
using System.Globalization;
using Canaria.EndToEnd.Tests.Rollouts;
using Canaria.Tests.Support;
using Microsoft.Playwright;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>Steps the dashboard tests share: the address, logging in through the form, and waiting on what the page shows.</summary>
internal static class DashboardSession
{
    public static Uri BaseAddress(LocalRolloutFixture f) => new(f.Host.ApiAddress, "/dashboard/");

    /// <summary>A controller whose rollout released v2 and holds it at a manual pause with <paramref name="traffic"/>% applied.</summary>
    public static async Task<LocalRolloutFixture> StartPausedAtCanaryAsync(string name, int traffic)
    {
        var f = await LocalRolloutFixture.StartAsync();
        try
        {
            var steps = SampleRollout.ManualCanarySteps(traffic);
            await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
            await f.WaitHealthyAsync(name, "v1");
            await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
            await f.WaitPausedAtAsync(name, 0, traffic);
            return f;
        }
        catch
        {
            await f.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the dashboard (answered 401 with the login form), enters the token and waits for the rollout list.</summary>
    public static async Task LoginAsync(IPage page, LocalRolloutFixture f, string? rollout = null)
    {
        var first = await page.GotoAsync(BaseAddress(f).ToString());
        Assert.Equal(401, first!.Status);
        await page.FillAsync("#token", f.Host.Token);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        if (rollout is not null)
        {
            await page.GotoAsync(BaseAddress(f) + "#/rollouts/" + rollout);
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(rollout, new() { Timeout = 15_000 });
        }
    }

    /// <summary>The number of points a chart of the rollout page draws (its data-points attribute), 0 before it exists.</summary>
    public static async Task<int> ChartPointsAsync(IPage page, string chart)
    {
        var locator = page.Locator($"svg[data-chart='{chart}']");
        if (await locator.CountAsync() == 0) return 0;
        return int.Parse(await locator.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
    }

    public static async Task<int> WaitForChartPointsAsync(IPage page, string chart, int moreThan, double seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var points = await ChartPointsAsync(page, chart);
            if (points > moreThan) return points;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"chart '{chart}' still has {points} points after {seconds}s (waited for more than {moreThan})");
            await Task.Delay(100);
        }
    }

    public static Task<string> ScreenshotAsync(IPage page, string name) => DashboardBrowser.ScreenshotAsync(page, name);
}
