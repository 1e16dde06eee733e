using System.Collections.Concurrent;
using System.Diagnostics;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Canaria.Local.Tests.Analysis;

/// <summary>
/// A whole local controller in-process, real Kestrel upstreams and real load through its gateway: a canary that
/// fails every request is judged by the sequential test on every tick and its traffic is back to 0 quickly.
/// </summary>
public sealed class ReactionTimeTests(ITestOutputHelper output)
{
    private static string Spec(string version, Uri upstream, string extra = "") => UpstreamRollout.Head(version, upstream) + $$"""
          strategy:
            canary:
              steps:
                - traffic: 10
                  pause: {}
          analysis:
            interval: 1s
            checks:
              - {name: errors, compare: stable, method: sequential}
        {{extra}}
        """;

    [Fact]
    public async Task SequentialCheck_CanaryFailsEveryRequest_TrafficBackToStableWithin200Ms()
    {
        await using var stable = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("ok"));
        await using var canary = await TestHttpServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        using var dir = new TempDirectory();
        var events = new ConcurrentQueue<(RolloutEvent Event, long At)>();
        await using var host = await ControllerHost.StartAsync(
            TestController.Options(dir.Path) with { OnEvent = (_, e) => events.Enqueue((e, Stopwatch.GetTimestamp())) },
            CancellationToken.None);

        Assert.True((await host.Controller.ApplyAsync(Spec("v1", stable.Address), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => host.Controller.Views.GetValueOrDefault("shop")?.Status.Phase == RolloutPhase.Healthy && host.ServiceAddress("shop") is not null, "v1 healthy");
        await using var load = new LoadGenerator(host.ServiceAddress("shop")!, workers: 5, pauseMs: 8);
        await Poll.UntilAsync(() => load.Answers.Count > 200, "load flowing through the gateway");

        var reply = await host.Controller.ApplyAsync(Spec("v2", canary.Address), CancellationToken.None);
        Assert.True(reply.Ok, reply.Message);
        await Poll.UntilAsync(() => events.Any(e => e.Event.Reason == "Aborted"), "the canary aborted by analysis");
        var sentUntil = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(() => load.Answers.Count(a => a.CompletedAt > sentUntil) > 100, "more load after the abort");

        var failed = events.First(e => e.Event.Reason == "AnalysisFailed");
        var aborted = events.First(e => e.Event.Reason == "Aborted");
        var engineMs = (aborted.Event.At - failed.Event.At).TotalMilliseconds;
        var wallMs = Stopwatch.GetElapsedTime(failed.At, aborted.At).TotalMilliseconds;
        var v2 = load.Answers.Where(a => a.Version == "v2").ToList();
        var lastV2Ms = Stopwatch.GetElapsedTime(failed.At, v2.Max(a => a.CompletedAt)).TotalMilliseconds;
        output.WriteLine($"verdict → gateway at 0% (engine clock): {engineMs:0} ms; (wall clock, events): {wallMs:0} ms; last canary answer {lastV2Ms:0} ms after the verdict; canary failures served (blast radius): {v2.Count}");
        output.WriteLine(failed.Event.Message);

        Assert.Contains("canary error rate is higher than stable's", failed.Event.Message);
        Assert.True(engineMs < 200, $"traffic reached 0% {engineMs:0} ms after the failing verdict");
        Assert.True(wallMs < 200, $"traffic reached 0% {wallMs:0} ms (wall clock) after the failing verdict");
        Assert.All(v2, a => Assert.Equal(500, a.Status));
        Assert.DoesNotContain(load.Answers, a => a.Version == "v2" && a.CompletedAt > aborted.At);
        Assert.True(v2.Count <= 100, $"{v2.Count} failed canary requests before its traffic reached 0");
        var status = host.Controller.Views["shop"].Status;
        Assert.Equal(RolloutPhase.Aborted, status.Phase);
        Assert.Contains("SPRT", status.Checks.Single().Evidence);
    }
}
