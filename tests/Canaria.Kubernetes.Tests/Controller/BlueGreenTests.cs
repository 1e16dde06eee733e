using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>Blue-green by switching the active Service's selector (seed 004), with the real endpoints controller.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class BlueGreenTests(ControlPlaneFixture cluster)
{
    internal static JsonObject Service(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
        },
    };

    private static JsonObject BlueGreenRollout(params JsonObject[] steps)
    {
        var rollout = RolloutObjects.Rollout("myapp", "myapp");
        rollout["spec"]!["strategy"] = new JsonObject { ["blueGreen"] = new JsonObject { ["steps"] = new JsonArray(steps) } };
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        rollout["spec"]!["scaleDownDelay"] = "1s";
        return rollout;
    }

    private static async Task<RolloutScenario> BlueRunningAsync(ControlPlaneFixture cluster, string prefix, JsonObject rollout, bool recreate = true)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        var deployment = RolloutObjects.Deployment("myapp", 2, "app:v1");
        if (recreate) deployment["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };
        await s.CreateDeploymentAsync(deployment, ready: 2);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, Service("myapp"))).ValueOrThrow();
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "step") == "step 1/" + Math.Max(1, steps(rollout)),
            "green at full size, waiting for promote");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 2 }, "blue and green at full size");
        await WaitForEndpointsAsync(s, "app:v1");
        return s;

        static int steps(JsonObject r) => r["spec"]!["strategy"]!["blueGreen"]!["steps"]!.AsArray().Count;
    }

    private static Task WaitForEndpointsAsync(RolloutScenario s, string image) => s.WaitForEndpointsAsync("myapp", image);

    [Fact]
    public async Task Promote_GreenReadyBehindBlue_ServiceSwitchesThenBlueScalesDown()
    {
        await using var s = await BlueRunningAsync(cluster, "bluegreen", BlueGreenRollout());
        await s.PokeDeploymentAsync("myapp", 10);
        var images = await s.ReadyImagesAsync();
        Assert.True(images.GetValueOrDefault("app:v1") == 2 && images.GetValueOrDefault("app:v2") == 2, await s.DescribeAsync("myapp")); // nothing scaled blue down early
        Assert.Equal(0, Objects.Int((await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow(), "status", "weight"));

        await s.CommandAsync("myapp", "promote 1");

        await WaitForEndpointsAsync(s, "app:v2");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "blue scaled down after the delay");
        var done = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null, "the release to complete");
        var service = (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp")).ValueOrThrow();
        var green = (await s.Client.GetAsync(KubeResource.ReplicaSets, s.Namespace, Objects.Str(done, "status", "stableReplicaSet")!)).ValueOrThrow();
        Assert.Equal(Objects.Str(green, "metadata", "labels", "pod-template-hash"), Objects.Str(service, "spec", "selector", "pod-template-hash"));
        Assert.Equal("myapp", Objects.Str(service, "spec", "selector", "app"));
    }

    [Fact]
    public async Task Abort_AfterSwitchToGreen_ServiceSwitchesBackThenGreenScalesDown()
    {
        var rollout = BlueGreenRollout(
            new JsonObject { ["replicas"] = "100%", ["pause"] = new JsonObject() },
            new JsonObject { ["traffic"] = 100, ["pause"] = new JsonObject() });
        await using var s = await BlueRunningAsync(cluster, "bgabort", rollout);
        await s.CommandAsync("myapp", "promote 1");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "step") == "step 2/2" && Objects.Str(r, "status", "phase") == "Paused" && Objects.Int(r, "status", "weight") == 100,
            "green serving, paused at step 2");
        await WaitForEndpointsAsync(s, "app:v2");
        Assert.Equal(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 2 }, await s.ReadyImagesAsync()); // blue stays for a fast rollback

        await s.CommandAsync("myapp", "abort 1");

        await WaitForEndpointsAsync(s, "app:v1");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2 }, "green scaled down");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Aborted" && Objects.Int(r, "status", "weight") == 0, "the rollout to be aborted");
    }

    [Fact]
    public async Task Promote_RollingUpdateDeployment_BlueKeepsItsPodsBesideGreenThenGreenServes()
    {
        // The Deployment's default RollingUpdate strategy (maxSurge 25%): green is the Rollout's ReplicaSet, so the paused
        // Deployment controller neither counts it saturated nor holds both at replicas + maxSurge.
        await using var s = await BlueRunningAsync(cluster, "bgrolling", BlueGreenRollout(), recreate: false);
        await s.PokeDeploymentAsync("myapp", 5);
        var images = await s.ReadyImagesAsync();
        Assert.True(images.GetValueOrDefault("app:v1") == 2 && images.GetValueOrDefault("app:v2") == 2, await s.DescribeAsync("myapp"));

        await s.CommandAsync("myapp", "promote 1");

        await WaitForEndpointsAsync(s, "app:v2");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "blue scaled down after the delay");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null, "the release to complete");
    }

    [Fact]
    public async Task DeleteRollout_GreenReadyBehindBlue_ServiceWidenedAndDeploymentUnpaused()
    {
        await using var s = await BlueRunningAsync(cluster, "bgdelete", BlueGreenRollout());

        (await s.Client.DeleteAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();

        await Eventually.WaitAsync(async () => (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).Error?.IsNotFound == true,
            RolloutScenario.Deadline, "the Rollout to be gone");
        var service = (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Null(Objects.Str(service, "spec", "selector", "pod-template-hash"));
        Assert.Equal("myapp", Objects.Str(service, "spec", "selector", "app"));
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "the Deployment's own Recreate to finish on green");
        await WaitForEndpointsAsync(s, "app:v2");
    }
}
