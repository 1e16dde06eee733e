using Microsoft.Playwright;

namespace Canaria.Tests.Support;

/// <summary>
/// A real browser for the dashboard tests: Debian's chromium (`.ci/apt-packages.txt`), driven by Playwright with its
/// executable path set, so nothing is downloaded. A missing chromium fails the test with what to install; it never skips.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>$CANARIA_CHROMIUM, else /usr/bin/chromium.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CANARIA_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: $CANARIA_TEST_ARTIFACTS, else artifacts/ beside the test assembly.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("CANARIA_TEST_ARTIFACTS") is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath),
            $"no browser at {ExecutablePath}: install Debian's chromium (it is in .ci/apt-packages.txt) or set CANARIA_CHROMIUM");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage"], // tests run as root in CI, where chromium's sandbox cannot start
            });
            return new DashboardBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser context (no cookies) with one page; the viewport fits the rollout page's charts.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>A full-page screenshot into <see cref="ArtifactsDirectory"/>; fails if it is too small to show a page.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ArtifactsDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"screenshot {path} is suspiciously small");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
