using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Analysis;

/// <summary>Analysis through the whole controller: no traffic is never a pass; a web check that fails aborts.</summary>
public sealed class ControllerAnalysisTests
{
    private static string Spec(string version, Uri upstream, string checks) => UpstreamRollout.Head(version, upstream) + $$"""
          strategy:
            canary:
              steps:
                - traffic: 10
          analysis:
            interval: 200ms
            inconclusiveLimit: 1
            checks:
        {{checks}}
        """;

    private static async Task<ControllerHost> StartWithStable(TempDirectory dir, Uri upstream, string checks)
    {
        var host = await ControllerHost.StartAsync(TestController.Options(dir.Path), CancellationToken.None);
        Assert.True((await host.Controller.ApplyAsync(Spec("v1", upstream, checks), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => host.Controller.Views.GetValueOrDefault("shop")?.Status.Phase == RolloutPhase.Healthy, "v1 healthy");
        return host;
    }

    [Fact]
    public async Task SequentialCheck_NoTrafficAtAll_PausesForAHumanNeverPasses()
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        using var dir = new TempDirectory();
        const string Checks = "      - {name: errors, compare: stable}";
        await using var host = await StartWithStable(dir, app.Address, Checks);

        Assert.True((await host.Controller.ApplyAsync(Spec("v2", app.Address, Checks), CancellationToken.None)).Ok);
        var paused = await Poll.UntilAsync(() => host.Controller.Views["shop"].Status, s => s.Paused, "paused by inconclusive analysis");

        Assert.Equal((StepState.Analyzing, 0), (paused.StepState, paused.StepIndex));
        Assert.Contains("inconclusive 2 times in a row", paused.PauseReason);
        Assert.Contains("only 0 canary requests (need 20)", paused.PauseReason);
        Assert.Equal(0, paused.Checks.Single().StepPasses);
    }

    [Fact]
    public async Task WebCheck_ValueAboveMax_AbortsWithTheEvidence()
    {
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        await using var metrics = await TestHttpServer.StartAsync(ctx =>
            ctx.Response.WriteAsync(ctx.Request.Query["version"] == "v2" ? """{"errors": 0.5}""" : """{"errors": 0}"""));
        using var dir = new TempDirectory();
        var checks = $"      - {{name: web-errors, provider: web, url: \"{metrics.Url("/m")}?version={{{{version}}}}\", jsonPath: $.errors, max: 0.1}}";
        await using var host = await StartWithStable(dir, app.Address, checks);
        await using var load = new LoadGenerator(host.ServiceAddress("shop")!, workers: 2, pauseMs: 20);

        Assert.True((await host.Controller.ApplyAsync(Spec("v2", app.Address, checks), CancellationToken.None)).Ok);
        var aborted = await Poll.UntilAsync(() => host.Controller.Views["shop"].Status, s => s.StepState == StepState.Aborted, "aborted by the web check");

        Assert.Contains("analysis check 'web-errors' failed: web value 0.5 > max 0.1", aborted.AbortReason);
        Assert.Equal(Verdict.Fail, aborted.Checks.Single().LastVerdict);
    }
}
