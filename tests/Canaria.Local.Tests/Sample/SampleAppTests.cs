using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Sample;

/// <summary>The sample app run directly as a process (not through the supervisor).</summary>
public sealed partial class SampleAppTests
{
    [Theory]
    [InlineData(new[] { "--version", "v1" }, "'--port' is required")]
    [InlineData(new[] { "--port", "x" }, "'--port' must be an integer")]
    [InlineData(new[] { "--port", "0", "--error-rate", "1.5" }, "'--error-rate' must be a number between 0 and 1")]
    [InlineData(new[] { "--port", "0", "--bogus", "1" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--port", "0", "--latency-ms" }, "'--latency-ms' needs a value")]
    [InlineData(new[] { "--port", "0", "--protocol", "h3" }, "'--protocol' must be http or h2c")]
    public async Task Run_InvalidOption_ExitsWithCode2NamingTheOption(string[] args, string expected)
    {
        using var process = Start(args);
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StartupDelay_HealthzIs503ThenEndpointsWork()
    {
        using var process = Start(["--port", "0", "--version", "v7", "--startup-delay-ms", "4000", "--instance", "i1"]);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync();
            var port = int.Parse(ListeningPort().Match(line ?? "").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var url = $"http://127.0.0.1:{port}";

            using (var early = await Http.Client.GetAsync(new Uri(url + "/healthz")))
                Assert.Equal(503, (int)early.StatusCode);
            await Poll.UntilAsync(() => Healthy(url), "healthz 200 after the startup delay");

            using var root = await Http.Client.GetAsync(new Uri(url + "/"));
            Assert.Equal("i1", Assert.Single(root.Headers.GetValues("X-Sample-Instance")));
            using var echo = await Http.Client.PostAsync(new Uri(url + "/echo"), new StringContent("hello canary"));
            Assert.Equal("hello canary", await echo.Content.ReadAsStringAsync());
            using var slow = await Http.Client.GetAsync(new Uri(url + "/slow?ms=10"));
            Assert.True(slow.IsSuccessStatusCode);
            using var stats = JsonDocument.Parse(await Http.Client.GetStringAsync(new Uri(url + "/stats")));
            var served = stats.RootElement.GetProperty("served");
            Assert.Equal(1, served.GetProperty("/").GetInt64());
            Assert.Equal(1, served.GetProperty("/echo").GetInt64());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Run_EnvironmentAndArguments_ArgumentsWinAndErrorRateApplies()
    {
        using var process = Start(["--port", "0", "--version", "v3"], new() { ["SAMPLE_VERSION"] = "v9", ["SAMPLE_ERROR_RATE"] = "1" });
        try
        {
            var line = await process.StandardOutput.ReadLineAsync();
            var port = ListeningPort().Match(line ?? "").Groups[1].Value;

            using var root = await Http.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));

            Assert.Equal(500, (int)root.StatusCode);
            Assert.Equal("v3", Assert.Single(root.Headers.GetValues("X-Sample-Version")));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static bool Healthy(string url)
    {
        using var response = Http.Client.GetAsync(new Uri(url + "/healthz")).GetAwaiter().GetResult();
        return response.IsSuccessStatusCode;
    }

    private static Process Start(string[] args, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(SampleApp.DotnetPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(SampleApp.DllPath);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SAMPLE_", StringComparison.Ordinal)).ToArray())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? [])
            start.Environment[key] = value;
        return Process.Start(start)!;
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningPort();
}
