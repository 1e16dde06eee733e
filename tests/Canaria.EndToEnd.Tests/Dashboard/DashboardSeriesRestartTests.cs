using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Canaria.EndToEnd.Tests.Rollouts;
using Canaria.EndToEnd.Tests.Support;
using Canaria.Local.Api;
using Canaria.Local.Dashboard.Series;

namespace Canaria.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard's chart points across a controller restart: real controllers, one after the other, on one state directory.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class DashboardSeriesRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-series-").FullName;

    [Fact]
    public async Task Restart_ChartPointsSaved_RestartedControllerServesTheEarlierPoints()
    {
        List<DateTimeOffset> earlier;
        await using (var first = await StartAsync(null))
        {
            await ApplyAsync(first, "keep");
            await RunningController.WaitUntilAsync(() => first.Controller.Series.After("keep", 0).Signals.Count >= 6, "six chart points", 30);
            earlier = [.. first.Controller.Series.After("keep", 0).Signals.Select(p => p.At)];
        }
        Assert.True(File.Exists(SeriesFile.PathIn(_dir)), "the stopping controller saved no chart points");

        var logs = new CapturedLogs();
        await using var second = await StartAsync(logs);
        var served = await ServedPointsAsync(second, "keep");
        Assert.All(earlier, at => Assert.Contains(at, served)); // every earlier point, as the page's stream hands it out
        Assert.Equal(1, logs.Count("Restored"));
    }

    [Fact]
    public async Task Restart_CorruptSeriesFile_IgnoredWithALogLineAndReplacedByNewPoints()
    {
        var path = SeriesFile.PathIn(_dir);
        await File.WriteAllTextAsync(path, "{\"format\":1,\"savedAt\":\"2026-01-01T00:00:00Z\",\"rollouts\":{\"keep\":{\"signals\":[{\"seq\":1,"); // cut off mid-write
        var logs = new CapturedLogs();
        await using (var host = await StartAsync(logs))
        {
            Assert.Equal(1, logs.Count("are ignored"));
            await ApplyAsync(host, "keep");
            await RunningController.WaitUntilAsync(() => host.Controller.Series.After("keep", 0).Signals.Count >= 2, "new chart points", 30);
            Assert.NotEmpty(await ServedPointsAsync(host, "keep"));
        }
        var saved = SeriesFile.Load(path, DateTimeOffset.UtcNow, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.True(saved is not null, "the corrupt file was not replaced by a readable one");
        Assert.True(saved.Rollouts["keep"].Signals.Count >= 2);
    }

    public void Dispose()
    {
        CliProcess.KillReplicasUnder(_dir);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ControllerHost> StartAsync(CapturedLogs? logs) => ControllerHost.StartAsync(new ControllerHostOptions
    {
        StateDirectory = _dir,
        StopReplicasOnExit = true,
        LoggerFactory = logs?.Factory() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
    }, CancellationToken.None);

    private static async Task ApplyAsync(ControllerHost host, string name)
    {
        var reply = await host.Controller.ApplyAsync(SampleRollout.Spec(name, "v1", SampleRollout.ManualCanarySteps(50)), CancellationToken.None);
        Assert.True(reply.Ok, $"apply refused: {reply.Message}");
    }

    /// <summary>Logs in with a one-time code from the API and reads the first chart points the rollout page's stream sends.</summary>
    private static async Task<List<DateTimeOffset>> ServedPointsAsync(ControllerHost host, string rollout)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = host.ApiAddress };
        using var ask = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dashboard/login-codes");
        ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token);
        using var codeAnswer = await http.SendAsync(ask);
        var code = (string?)JsonNode.Parse(await codeAnswer.Content.ReadAsStringAsync())?["code"];
        using var login = await http.GetAsync("/dashboard/login?code=" + code);
        Assert.True(login.IsSuccessStatusCode, $"login with the code answered {(int)login.StatusCode}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await http.GetStreamAsync("/dashboard/api/stream?rollout=" + rollout, timeout.Token);
        using var reader = new StreamReader(stream);
        var seriesNext = false;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "event: series") seriesNext = true;
            else if (seriesNext && line.StartsWith("data: ", StringComparison.Ordinal))
                return [.. JsonNode.Parse(line["data: ".Length..])!["signals"]!.AsArray().Select(p => DateTimeOffset.Parse((string)p!["at"]!, System.Globalization.CultureInfo.InvariantCulture))];
        }
        Assert.Fail("the stream ended without chart points");
        return [];
    }
}
