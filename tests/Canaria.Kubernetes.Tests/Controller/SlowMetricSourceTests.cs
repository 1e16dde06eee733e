using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>A metric source that never answers must not hold up the controller's other Rollouts.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SlowMetricSourceTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task WebCheck_SourceNeverAnswers_OtherRolloutProgressesAndOneRequestInFlight()
    {
        var requests = 0;
        await using var silent = await TestHttpServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref requests);
            return Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        await using var s = await RolloutScenario.StartAsync(cluster, "slowsource", startController: false);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("slow", 2, "app:v1"), ready: 2);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("fast", 2, "app:v1"), ready: 2);
        // A whole minute per request: if a measurement ran on the reconcile worker, "fast" would wait behind it.
        await using var controller = await AnalysisObjects.StartControllerAsync(cluster.Client, s, metricTimeout: TimeSpan.FromMinutes(1));
        var slow = RolloutObjects.Rollout("slow", "slow", new JsonObject { ["traffic"] = 50 });
        slow["spec"]!["analysis"] = new JsonObject
        {
            ["interval"] = "1s",
            ["checks"] = new JsonArray(new JsonObject
            {
                ["name"] = "errors",
                ["provider"] = "web",
                ["url"] = silent.Url("/ratio?version={{version}}"),
                ["jsonPath"] = "$.value",
                ["max"] = 0.05,
            }),
        };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, slow)).ValueOrThrow();
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("fast", "fast", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("slow", r => Objects.Str(r, "status", "phase") == "Healthy", "slow to adopt v1");
        await s.WaitForRolloutAsync("fast", r => Objects.Str(r, "status", "phase") == "Healthy", "fast to adopt v1");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "slow", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await Eventually.WaitAsync(() => Volatile.Read(ref requests) > 0, RolloutScenario.Deadline, "the slow check's first request");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "fast", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();

        await s.WaitForRolloutAsync("fast", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "step") is { Length: > 0 },
            "fast to reach its manual step while slow's check is still waiting");
        var waiting = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "slow")).ValueOrThrow();
        Assert.Equal(0, AnalysisObjects.Measurements(waiting, "errors")); // still in flight: no verdict yet, and no pass
        Assert.Equal("Progressing", Objects.Str(waiting, "status", "phase"));
        Assert.Equal(1, Volatile.Read(ref requests)); // one request in flight per check, not one per interval
    }
}
