using System.Collections.Concurrent;
using System.Text.Json;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Analysis;

/// <summary>The controller calls gate webhooks and feeds their answers to the engine; event hooks hear every decision.</summary>
public sealed class ControllerWebhookTests
{
    private static string Spec(string version, Uri upstream, Uri hooks) => UpstreamRollout.Head(version, upstream) + $$"""
          strategy:
            canary:
              steps:
                - traffic: 20
                  pause: {}
          webhooks:
            - {name: approve, type: preTrafficIncrease, url: "{{hooks}}gate", timeout: 1s, retries: 0}
            - {name: audit, type: event, url: "{{hooks}}events"}
        """;

    [Fact]
    public async Task Gate_HeldUntilItAnswers2xx_ThenTrafficMovesAndEventsAreNotified()
    {
        var gateStatus = 409;
        var gateCalls = 0;
        var events = new ConcurrentQueue<string>();
        await using var app = await TestHttpServer.StartAsync(ctx => ctx.Response.WriteAsync(ctx.Request.Headers.Host.ToString()));
        await using var hooks = await TestHttpServer.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (ctx.Request.Path == "/gate")
            {
                Interlocked.Increment(ref gateCalls);
                ctx.Response.StatusCode = Volatile.Read(ref gateStatus);
                return;
            }
            using var doc = JsonDocument.Parse(body);
            events.Enqueue(doc.RootElement.GetProperty("reason").GetString()!);
        });
        using var dir = new TempDirectory();
        await using var host = await ControllerHost.StartAsync(TestController.Options(dir.Path), CancellationToken.None);
        Assert.True((await host.Controller.ApplyAsync(Spec("v1", app.Address, hooks.Address), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => host.Controller.Views.GetValueOrDefault("shop")?.Status.Phase == RolloutPhase.Healthy, "v1 healthy");

        Assert.True((await host.Controller.ApplyAsync(Spec("v2", app.Address, hooks.Address), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => Volatile.Read(ref gateCalls) >= 2, "the gate asked at least twice");
        var held = host.Controller.Views["shop"];
        Assert.Equal(StepState.RoutingTraffic, held.Status.StepState);
        Assert.Equal(0, held.AppliedTraffic?.CanaryWeight ?? 0);
        Assert.Contains("webhook 'approve' holds the gate (HTTP 409)", held.Status.Message);

        Volatile.Write(ref gateStatus, 200);
        var routed = await Poll.UntilAsync(() => host.Controller.Views["shop"], v => v.Status.StepState == StepState.Paused, "step 1 routed after the gate opened");

        Assert.Equal(20, routed.AppliedTraffic!.CanaryWeight);
        await Poll.UntilAsync(() => events.Contains("GateOpened") && events.Contains("TrafficShifted"), "event notifications");
        Assert.Contains("ReleaseStarted", events);
    }
}
