using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// Seed 002 (Kruise Rollouts blue-green) on the real control plane: green at full size with no traffic, a human
/// approves, jumps back to step 1, cancels by writing the previous pod template back, and a later release completes
/// and removes blue only after the scale-down delay.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class BlueGreenSeed002Tests(ControlPlaneFixture cluster)
{
    private static JsonObject Seed002Rollout()
    {
        var rollout = RolloutObjects.Rollout("echoserver", "echoserver");
        var step1 = new JsonObject { ["replicas"] = "100%", ["traffic"] = "0%", ["pause"] = new JsonObject() };
        var step2 = new JsonObject { ["replicas"] = "100%", ["traffic"] = "100%", ["pause"] = new JsonObject() };
        rollout["spec"]!["strategy"] = new JsonObject { ["blueGreen"] = new JsonObject { ["steps"] = new JsonArray(step1, step2) } };
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "echoserver" };
        rollout["spec"]!["scaleDownDelay"] = "5s";
        return rollout;
    }

    private static bool At(JsonObject r, string phase, string? step) => Objects.Str(r, "status", "phase") == phase && Objects.Str(r, "status", "step") == step;

    [Fact]
    public async Task Seed002_ApproveJumpBackCancelByRevertThenComplete_ServiceFollowsAndBlueRemovedAfterDelay()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "seed002");
        var deployment = RolloutObjects.Deployment("echoserver", 2, "echo:blue");
        deployment["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };
        await s.CreateDeploymentAsync(deployment, ready: 2);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("echoserver"))).ValueOrThrow();
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, Seed002Rollout())).ValueOrThrow();
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Healthy", null), "the rollout to adopt blue");
        var blueTemplate = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "echoserver")).ValueOrThrow()["spec"]!["template"]!.DeepClone();

        // Step 1: green at 100% of the replicas, 0% of the traffic, waiting for a human.
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "echoserver", PatchType.StrategicMerge, RolloutObjects.SetImage("echo:green"))).ValueOrThrow();
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Paused", "step 1/2") && Objects.Int(r, "status", "weight") == 0, "step 1 paused");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["echo:blue"] = 2, ["echo:green"] = 2 }, "blue and green at full size");
        await s.WaitForEndpointsAsync("echoserver", "echo:blue");

        // Approve: step 2 sends everything to green; blue stays for a fast rollback.
        await s.CommandAsync("echoserver", "promote 1");
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Paused", "step 2/2") && Objects.Int(r, "status", "weight") == 100, "step 2 paused");
        await s.WaitForEndpointsAsync("echoserver", "echo:green");
        Assert.Equal(new Dictionary<string, int> { ["echo:blue"] = 2, ["echo:green"] = 2 }, await s.ReadyImagesAsync());

        // Jump back to step 1 (Kruise: nextStepIndex 1): blue serves again, green keeps running.
        await s.CommandAsync("echoserver", "jump 1");
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Paused", "step 1/2") && Objects.Int(r, "status", "weight") == 0, "back at step 1");
        await s.WaitForEndpointsAsync("echoserver", "echo:blue");
        await s.WaitForEventAsync("echoserver", "Jumped");
        Assert.Equal(new Dictionary<string, int> { ["echo:blue"] = 2, ["echo:green"] = 2 }, await s.ReadyImagesAsync());

        // Cancel by reverting the workload (kubectl rollout undo writes the previous template back).
        var current = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "echoserver")).ValueOrThrow();
        current["spec"]!["template"] = blueTemplate.DeepClone();
        (await s.Client.ReplaceAsync(KubeResource.Deployments, s.Namespace, current)).ValueOrThrow();
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Healthy", null) && r["status"]?["canaryRevision"] is null, "the release to be cancelled");
        await s.WaitForEventAsync("echoserver", "Cancelled");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["echo:blue"] = 2 }, "green removed after the cancel");
        await s.WaitForEndpointsAsync("echoserver", "echo:blue");

        // Release green again and complete it: blue goes only after scaleDownDelay.
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "echoserver", PatchType.StrategicMerge, RolloutObjects.SetImage("echo:green"))).ValueOrThrow();
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Paused", "step 1/2"), "step 1 paused again");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["echo:blue"] = 2, ["echo:green"] = 2 }, "green at full size again");
        await s.CommandAsync("echoserver", "promote 2");
        await s.WaitForRolloutAsync("echoserver", r => At(r, "Paused", "step 2/2"), "step 2 paused again");
        var blueSet = Objects.Str((await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "echoserver")).ValueOrThrow(), "status", "stableReplicaSet")!;
        await s.CommandAsync("echoserver", "promote 3");
        var done = await s.WaitForRolloutAsync("echoserver", r => At(r, "Healthy", null) && r["status"]?["canaryRevision"] is null, "the release to complete");
        Assert.True(Objects.Int((await s.Client.GetAsync(KubeResource.ReplicaSets, s.Namespace, blueSet)).ValueOrThrow(), "spec", "replicas") == 2,
            "blue was scaled down before scaleDownDelay:\n" + await s.DescribeAsync("echoserver"));
        await s.WaitForEndpointsAsync("echoserver", "echo:green");
        await s.WaitForAsync(KubeResource.ReplicaSets, blueSet, rs => Objects.Int(rs, "spec", "replicas") == 0, "blue's ReplicaSet scaled to 0");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["echo:green"] = 2 }, "only green left");
        var service = (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "echoserver")).ValueOrThrow();
        var green = (await s.Client.GetAsync(KubeResource.ReplicaSets, s.Namespace, Objects.Str(done, "status", "stableReplicaSet")!)).ValueOrThrow();
        Assert.Equal(Objects.Str(green, "metadata", "labels", "pod-template-hash"), Objects.Str(service, "spec", "selector", "pod-template-hash"));
    }
}
