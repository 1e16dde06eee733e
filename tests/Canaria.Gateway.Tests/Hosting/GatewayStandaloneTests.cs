using System.Text.RegularExpressions;
using Canaria.Gateway.Hosting;
using Microsoft.Extensions.Logging;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Hosting;

public sealed class GatewayStandaloneTests
{
    [Fact]
    public async Task RunAsync_InvalidConfigFile_ReturnsExitCode2()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "services:\n  - name: shop\n    versions:\n      - {name: v1, weight: -1}\n");
        try
        {
            Assert.Equal(2, await GatewayStandalone.RunAsync(file, adminAddress: null, tokenFile: null, CancellationToken.None));
            Assert.Equal(2, await GatewayStandalone.RunAsync(file + ".missing", adminAddress: null, tokenFile: null, CancellationToken.None));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_ValidConfig_LogsAddressesServesUntilCancelledAndNeverLogsTheToken()
    {
        await using var backend = await TestBackend.StartAsync("standalone-backend");
        var file = Path.GetTempFileName();
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "secret-token-987\n");
        await File.WriteAllTextAsync(file, $"listeners: [{{name: main, address: \"127.0.0.1:0\"}}]\nservices:\n  - name: shop\n    versions:\n      - {{name: v1, weight: 1, endpoints: [\"{backend.Address}\"]}}\n");
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var stop = new CancellationTokenSource();
        var run = GatewayStandalone.RunAsync(file, "127.0.0.1:0", tokenFile, stop.Token, factory);

        string? bound = null;
        await Wait.UntilAsync(
            () =>
            {
                Assert.False(run.IsCompleted, "the gateway stopped early: " + string.Join("\n", logs.Lines));
                bound = logs.Lines.Select(l => Regex.Match(l, @"Listener main bound on (\S+)")).FirstOrDefault(m => m.Success)?.Groups[1].Value;
                return bound is not null && logs.Lines.Any(l => l.Contains("admin API listening", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(10),
            "the stand-alone gateway to log its addresses");
        using (var client = new HttpClient())
        {
            Assert.Equal("standalone-backend", await client.GetStringAsync(bound));
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("secret-token-987", StringComparison.Ordinal));
        File.Delete(file);
        File.Delete(tokenFile);
    }
}
