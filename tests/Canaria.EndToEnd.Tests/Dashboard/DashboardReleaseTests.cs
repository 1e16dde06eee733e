using System.Diagnostics;
using Canaria.Cli.Load;
using Canaria.Core.Engine;
using Canaria.EndToEnd.Tests.Rollouts;
using Canaria.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>
/// The rollout page during real releases: a real controller (real gateway process, real sample-app replicas), real
/// traffic from the demo's load generator, and a real browser (Debian's chromium).
/// </summary>
[Collection(LocalControllerCollection.Name)]
public sealed class DashboardReleaseTests(ITestOutputHelper output)
{
    private const int Rps = 120;

    [Fact]
    public async Task RolloutPage_PromotedFrom10To30_ShowsTheNewSplitWithoutReloadAndTheChartGainsPoints()
    {
        const string name = "live";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(10, 30);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await using var load = new LoadGenerator(f.Host.ServiceAddress(name)!, Rps);
        load.Start();
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        await f.WaitPausedAtAsync(name, 0, 10);

        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await DashboardSession.LoginAsync(page, f, name);
        var split = page.Locator("[data-testid=split] [data-role=canary]");
        await Assertions.Expect(split).ToHaveTextAsync("v2 (canary) 10%", new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => { window.__loadedOnce = 'yes'; }"); // gone if the page reloads
        var before = await DashboardSession.WaitForChartPointsAsync(page, "rps", moreThan: 2);

        await f.CommandAsync(name, CommandKind.Promote);
        await f.WaitPausedAtAsync(name, 1, 30);
        await Assertions.Expect(split).ToHaveTextAsync("v2 (canary) 30%", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("[data-testid=split] .seg.canary")).ToHaveAttributeAsync("data-weight", "30");
        await Assertions.Expect(page.Locator(".pipeline li.current")).ToHaveAttributeAsync("data-step", "2");
        var after = await DashboardSession.WaitForChartPointsAsync(page, "rps", moreThan: before + 2);
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__loadedOnce"));
        Assert.True(after > before, $"the RPS chart had {before} points and then {after}");
        Assert.True(await DashboardSession.ChartPointsAsync(page, "weight") > 0, "the traffic-share chart has no points");
        await DashboardSession.ScreenshotAsync(page, "dashboard-rollout-30pct.png");

        // A refused operation shows the controller's own reason; a confirmed jump with its step goes back to 10%.
        await page.ClickAsync("button[data-op=retry]");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#answer .refused")).ToContainTextAsync("Retry: refused (409)");
        Assert.Equal(RolloutPhase.Paused, f.View(name).Status.Phase);
        await page.ClickAsync("button[data-op=jump]");
        await page.FillAsync("#confirm-input", "1");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#answer .ok")).ToContainTextAsync("Jump to step: done");
        await f.WaitPausedAtAsync(name, 0, 10);
        await Assertions.Expect(split).ToHaveTextAsync("v2 (canary) 10%", new() { Timeout = 5_000 });
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__loadedOnce"));
        Assert.Equal(0, load.Tallies.GetValueOrDefault(LoadGenerator.NoVersion)?.Failures ?? 0);
    }

    [Fact]
    public async Task AbortButton_Confirmed_GatewayServesNoCanaryWithinOneSecondAndPageShowsAbortedWithReason()
    {
        const string name = "abortui";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(30);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await using var load = new LoadGenerator(f.Host.ServiceAddress(name)!, Rps);
        load.Start();
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        await f.WaitPausedAtAsync(name, 0, 30);
        Assert.Equal(30, await GatewayCanaryWeightAsync(f, name, "v2")); // the gateway really serves the canary before

        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await DashboardSession.LoginAsync(page, f, name);
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveTextAsync("Paused", new() { Timeout = 15_000 });

        await page.ClickAsync("button[data-op=abort]");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-title")).ToHaveTextAsync($"Abort {name}?");
        Assert.Equal(30, await GatewayCanaryWeightAsync(f, name, "v2")); // nothing happens before the confirmation
        var clock = Stopwatch.StartNew();
        await page.ClickAsync("#confirm-ok");
        int weight;
        while ((weight = await GatewayCanaryWeightAsync(f, name, "v2")) != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the gateway still gives the canary {weight}% 5 s after the confirmed abort");
            await Task.Delay(5);
        }
        var reached = clock.Elapsed;
        Assert.True(reached < TimeSpan.FromSeconds(1), $"the gateway reached 0% canary {reached.TotalMilliseconds:F0} ms after the confirmed abort (limit 1 s)");

        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveTextAsync("Aborted", new() { Timeout = 5_000 });
        var reason = f.View(name).Status.AbortReason;
        Assert.False(string.IsNullOrEmpty(reason));
        await Assertions.Expect(page.Locator("[data-testid=abort-reason]")).ToHaveTextAsync("Aborted: " + reason);
        await Assertions.Expect(page.Locator("#answer .ok")).ToContainTextAsync("Abort: done");
        Assert.Equal(0, load.Tallies.GetValueOrDefault(LoadGenerator.NoVersion)?.Failures ?? 0);
        output.WriteLine($"confirmed abort → gateway at 0% canary in {reached.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task SequentialChart_FailingCanary_ShowsTheLlrCrossingItsFailBound()
    {
        const string name = "sprt";
        const string analysis = """
              analysis:
                minRequests: 10
                checks:
                  - {name: errors, compare: stable}
            """;
        var steps = "    canary:\n      steps:\n        - traffic: 50\n          pause: {duration: 60s}";
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps, extra: analysis));
        await f.WaitHealthyAsync(name, "v1");
        await using var load = new LoadGenerator(f.Host.ServiceAddress(name)!, Rps);
        load.Start();

        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await DashboardSession.LoginAsync(page, f, name);
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps, errorRate: 0.3, extra: analysis));
        await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted, "the sequential test to abort the canary", seconds: 30);

        var chart = page.Locator("svg[data-chart='llr-errors']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-crossed", "upper", new() { Timeout = 10_000 });
        var max = double.Parse((await chart.GetAttributeAsync("data-max-llr"))!, System.Globalization.CultureInfo.InvariantCulture);
        var upper = double.Parse((await chart.GetAttributeAsync("data-upper"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(max >= upper, $"the chart's highest LLR {max} is below its fail bound {upper}");
        Assert.True(await DashboardSession.ChartPointsAsync(page, "llr-errors") >= 2, "the LLR chart should show the ratio over time, not one point");
        await Assertions.Expect(chart.Locator("circle.crossing.upper")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=llr-crossed]")).ToContainTextAsync("crossed the fail bound");
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveTextAsync("Aborted");
        await Assertions.Expect(page.Locator("tr[data-check=errors]")).ToContainTextAsync("Fail");
        await DashboardSession.ScreenshotAsync(page, "dashboard-rollout-sprt-abort.png");
    }

    /// <summary>The canary's weight in the config the gateway process holds (asked over its admin socket): what it serves.</summary>
    private static async Task<int> GatewayCanaryWeightAsync(LocalRolloutFixture f, string service, string canary)
    {
        var config = await f.Controller.Gateway.Client.ConfigAsync(CancellationToken.None);
        Assert.NotNull(config);
        var versions = config.Services.Single(s => s.Name == service).Versions;
        return versions.FirstOrDefault(v => v.Name == canary)?.Weight ?? 0;
    }
}
