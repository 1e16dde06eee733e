using System.Text.RegularExpressions;

namespace Canaria.EndToEnd.Tests;

/// <summary>`canaria demo` exactly as a newcomer runs it, as a separate process, and its report checked.</summary>
public sealed partial class DemoTests
{
    [GeneratedRegex(@"v3 failed (\d+) requests before its traffic reached 0%")]
    private static partial Regex V3Failures();

    [Fact]
    public async Task Demo_FreshRun_PromotesV2AbortsV3AndReportsBlastRadius()
    {
        var owned = new List<System.Diagnostics.Process>();
        var demo = CliProcess.Start(owned, "demo", "--rps", "250");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
            await demo.WaitForExitAsync(timeout.Token);
            var output = CliProcess.Output(demo);
            Assert.True(demo.ExitCode == 0, $"demo exited with {demo.ExitCode}:\n{output}");
            Assert.Contains("demo went as expected", output, StringComparison.Ordinal);
            Assert.DoesNotContain("✗", output, StringComparison.Ordinal);
            Assert.Contains("v2 promoted to 100% and became stable", output, StringComparison.Ordinal);
            var failures = V3Failures().Match(output);
            Assert.True(failures.Success, output);
            var v3Failed = int.Parse(failures.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(v3Failed, 1, 150); // it did fail some requests (so analysis had evidence), but few
        }
        finally
        {
            foreach (var p in owned)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }
}
