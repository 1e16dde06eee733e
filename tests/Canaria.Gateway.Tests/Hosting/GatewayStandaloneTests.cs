using Canaria.Gateway.Hosting;
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
    public async Task RunAsync_ValidConfig_ServesUntilCancelled()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var port = Ports.Closed();
        var file = Path.GetTempFileName();
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "secret-token\n");
        await File.WriteAllTextAsync(file, $"listeners: [{{name: main, address: \"127.0.0.1:{port}\"}}]\nservices:\n  - name: shop\n    versions:\n      - {{name: v1, weight: 1, endpoints: [\"{v1.Address}\"]}}\n");
        using var stop = new CancellationTokenSource();
        var run = GatewayStandalone.RunAsync(file, "127.0.0.1:0", tokenFile, stop.Token);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await Wait.UntilAsync(
            async () =>
            {
                try
                {
                    return await client.GetStringAsync("/") == "v1";
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(10),
            "the stand-alone gateway to serve");
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(15)));
        File.Delete(file);
        File.Delete(tokenFile);
    }
}
