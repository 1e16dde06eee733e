using System.Diagnostics;
using System.Net;
using Canaria.EndToEnd.Tests.Rollouts;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>`canaria dashboard` as a real process against a real controller.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class DashboardCommandTests
{
    [Fact]
    public async Task DashboardCommand_RunningController_PrintsThePageAddressAndTheTokenPathButNotTheToken()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec("cli", "v1", SampleRollout.ManualCanarySteps(50)));
        var (code, output) = await RunAsync("dashboard", "cli", "--state-dir", f.StateDir);
        Assert.True(code == 0, $"exit {code}: {output}");
        var expected = new Uri(f.Host.ApiAddress, "/dashboard/#/rollouts/cli").ToString();
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(f.StateDir, "token"), output, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Host.Token, output, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var page = await http.GetAsync(expected);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode); // the address is the dashboard: its login form
        Assert.Contains("name=\"token\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (missing, missingOutput) = await RunAsync("dashboard", "nope", "--state-dir", f.StateDir);
        Assert.True(missing == 4, $"an unknown rollout should exit 4, got {missing}: {missingOutput}");
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
