using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// A HorizontalPodAutoscaler (or KEDA) changes the Deployment's replicas through its scale subresource. No real HPA can
/// run here (it needs a metrics API), so the test plays it: it writes deployments/NAME/scale as the HPA controller does.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AutoscalerTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task ScaleSubresource_HpaPlayedByTheTestResizesDuringAPausedStep_StableAndCanaryFollowTheNewTotalAtTheSameStep()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "hpa");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 4, "app:v1", maxSurge: 1), ready: 4);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = "50%", ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v1 stable");

        // At rest: the HPA's change is a resize, never a release.
        await ScaleAsync(s, 6);
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 6 }, "6 v1 pods after the HPA scaled to 6");
        var rest = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "still Healthy");
        Assert.Null(rest["status"]?["canaryRevision"]);
        Assert.Equal(1, Objects.Int(rest, "status", "stableRevision"));

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        // 50% of 6 = 3 canary pods beside all 6 stable ones (the canary's ReplicaSet is the Rollout's, outside the surge budget).
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 6, ["app:v2"] = 3 }, "6 stable and 3 canary pods at the step");
        var atStep = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "paused at step 1");

        await ScaleAsync(s, 10); // 50% of 10 = 5 canary pods; stable 10
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 10, ["app:v2"] = 5 }, "10 stable and 5 canary pods after the HPA scaled to 10");
        await ScaleAsync(s, 2); // 50% of 2 = 1 canary pod; stable 2
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 1 }, "2 stable and 1 canary pod after the HPA scaled to 2");

        var after = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "still paused at the same step");
        Assert.Equal(Objects.Int(atStep, "status", "canaria", "stepIndex"), Objects.Int(after, "status", "canaria", "stepIndex"));
        Assert.Equal(Objects.Int(atStep, "status", "canaryRevision"), Objects.Int(after, "status", "canaryRevision"));
        Assert.Equal(Objects.Str(atStep, "status", "canaryReplicaSet"), Objects.Str(after, "status", "canaryReplicaSet"));
        Assert.Equal(2, (after["status"]!["revisions"] as JsonObject)!.Count); // no third revision: the resize started nothing

        await ScaleAsync(s, 3);
        await s.CommandAsync("myapp", "promote 1");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 3 }, "all 3 pods v2 after the promotion");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && Objects.Int(r, "status", "stableRevision") == 2, "v2 stable");
    }

    /// <summary>What the HPA controller writes: the Deployment's scale subresource.</summary>
    private static async Task ScaleAsync(RolloutScenario s, int replicas) =>
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.Merge,
            new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, subresource: "scale")).ValueOrThrow();
}
