using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>Webhook gates and notifications on Kubernetes, against a real HTTP listener on 127.0.0.1.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutWebhookTests(ControlPlaneFixture cluster)
{
    private static readonly JsonObject ManualStep = new() { ["traffic"] = 50, ["pause"] = new JsonObject() };

    private async Task<RolloutScenario> ReleaseWithHooksAsync(string prefix, params JsonObject[] hooks)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        var rollout = RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualStep.DeepClone());
        rollout["spec"]!["webhooks"] = new JsonArray(hooks);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1 as stable");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        return s;
    }

    [Fact]
    public async Task PreRolloutGate_HoldsOnNon2xxAndOpensOn2xx_NotificationsSent()
    {
        var answer = 403;
        var gateCalls = new ConcurrentQueue<JsonObject>();
        var notifications = new ConcurrentQueue<JsonObject>();
        await using var hooks = await TestHttpServer.StartAsync(async ctx =>
        {
            var body = JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync())!.AsObject();
            (ctx.Request.Path == "/gate" ? gateCalls : notifications).Enqueue(body);
            ctx.Response.StatusCode = ctx.Request.Path == "/gate" ? Volatile.Read(ref answer) : 200;
        });
        await using var s = await ReleaseWithHooksAsync("hookopen",
            AnalysisObjects.Webhook("approve", "preRollout", hooks.Url("/gate")), AnalysisObjects.Webhook("events", "event", hooks.Url("/events")));

        var held = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "message")?.Contains("holds the gate (HTTP 403)", StringComparison.Ordinal) == true,
            "the gate to hold on 403");
        Assert.Equal(("Progressing", "routingTraffic"), (Objects.Str(held, "status", "phase"), Objects.Str(held, "status", "canaria", "stepState")));
        await s.WaitForEventAsync("myapp", "GateHeld");
        var call = gateCalls.First();
        Assert.Equal(("myapp", s.Namespace, "preRollout"), ((string?)call["name"], (string?)call["namespace"], (string?)call["type"]));

        Volatile.Write(ref answer, 200);

        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "message")?.Contains($"waiting for `kubectl canaria promote myapp -n {s.Namespace}`", StringComparison.Ordinal) == true,
            "the opened gate to let the step through to its manual pause");
        await s.WaitForEventAsync("myapp", "GateOpened");
        await Eventually.WaitAsync(() => notifications.Any(n => (string?)n["reason"] == "GateOpened"), RolloutScenario.Deadline, "an event notification for GateOpened");
        Assert.Contains(notifications, n => (string?)n["reason"] == "ReleaseStarted" && (string?)n["namespace"] == s.Namespace);
    }

    [Fact]
    public async Task PreRolloutGate_SilentPastTimeout_PausesWithTheReason()
    {
        var attempts = 0;
        await using var silent = await TestHttpServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        await using var s = await ReleaseWithHooksAsync("hooksilent", AnalysisObjects.Webhook("approve", "preRollout", silent.Url("/gate"), timeout: "300ms", retries: 1));

        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "the silent gate to pause the release");

        var message = Objects.Str(paused, "status", "message")!;
        Assert.Contains("webhook 'approve' did not answer", message);
        Assert.Contains("no answer within 300ms after 2 attempt(s)", message);
        Assert.Equal("routingTraffic", Objects.Str(paused, "status", "canaria", "stepState")); // the step never went past its gate
        Assert.Equal(2, Volatile.Read(ref attempts));
        await s.WaitForEventAsync("myapp", "GateNoAnswer");
    }
}
