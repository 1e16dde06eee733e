using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>A running v1 "myapp" (Deployment, Service, the routers' user objects) under a Rollout with trafficRouting, and the waits on it.</summary>
internal sealed class RoutedRelease(RolloutScenario scenario, string[] routers) : IAsyncDisposable
{
    public RolloutScenario S { get; } = scenario;
    public string[] Routers { get; } = routers;

    public static async Task<RoutedRelease> StartAsync(ControlPlaneFixture cluster, string prefix, string[] routers, JsonArray steps,
        bool blueGreen = false, int replicas = 4, bool recreate = false, Func<KubeClient, string, Task<KubeResult<JsonObject>>>? beforeRollout = null, JsonArray? webhooks = null,
        Func<string, Task<KubeClient>>? controllerClient = null, string scaleDownDelay = "1s", KubeControllerOptions? options = null)
    {
        await TestCrds.InstallAllAsync(cluster.Client);
        var s = await RolloutScenario.StartAsync(cluster, prefix, controllerClient: controllerClient, options: options);
        var deployment = RolloutObjects.Deployment("myapp", replicas, "app:v1", maxSurge: blueGreen ? null : replicas);
        if (blueGreen || recreate) deployment["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };
        await s.CreateDeploymentAsync(deployment, ready: replicas);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("myapp"))).ValueOrThrow();
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("myapp-apex"))).ValueOrThrow();
        foreach (var r in routers) await DataPlanes.CreateUserObjectsAsync(s.Client, s.Namespace, r);
        if (beforeRollout is not null) (await beforeRollout(s.Client, s.Namespace)).ValueOrThrow();
        var rollout = RolloutObjects.Rollout("myapp", "myapp");
        rollout["spec"]!["strategy"] = new JsonObject { [blueGreen ? "blueGreen" : "canary"] = new JsonObject { ["steps"] = steps } };
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        rollout["spec"]!["trafficRouting"] = DataPlanes.RoutingFor(routers);
        rollout["spec"]!["scaleDownDelay"] = scaleDownDelay;
        if (webhooks is not null) rollout["spec"]!["webhooks"] = webhooks;
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy"
            && r["status"]?["trafficRouting"]?["restored"]?.GetValue<bool>() == true, "the rollout to adopt v1 with its routing at rest");
        return new RoutedRelease(s, routers);
    }

    public string Namespace => S.Namespace;
    public KubeClient Client => S.Client;

    public Task SetImageAsync(string image) =>
        Client.PatchAsync(KubeResource.Deployments, Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage(image));

    /// <summary>Waits until the Rollout is paused at this step with this weight verified by every router, and each data plane object carries it.</summary>
    public async Task<JsonObject> WaitForStepAsync(string step, int weight)
    {
        var r = await S.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Paused" && Objects.Str(x, "status", "step") == step
            && Objects.Int(x, "status", "weight") == weight && Verified(x), $"paused at {step} with {weight}% verified");
        foreach (var router in Routers)
            Assert.Equal(weight, await DataPlanes.CanaryShareAsync(Client, Namespace, router));
        return r;
    }

    /// <summary>Releases app:v2 through the first two steps of <c>TenThenFifty</c>: paused at 10%, promoted, paused at 50%.</summary>
    public async Task ReleaseToFiftyAsync()
    {
        await SetImageAsync("app:v2");
        await WaitForStepAsync("step 1/2", 10);
        await S.CommandAsync("myapp", "promote 1");
        await WaitForStepAsync("step 2/2", 50);
    }

    /// <summary>Waits until the release is over and every router handed the user's objects back.</summary>
    public Task<JsonObject> WaitForRestoredAsync(string phase, string what) =>
        S.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == phase && x["status"]?["canaryRevision"] is null
            && x["status"]?["trafficRouting"]?["restored"]?.GetValue<bool>() == true, what);

    public async Task<string?> StableSelectorAsync() =>
        Objects.Str((await Client.GetAsync(KubeResource.Services, Namespace, "myapp")).ValueOrThrow(), "spec", "selector", "pod-template-hash");

    public async Task<string?> PodHashOfAsync(string replicaSet) =>
        Objects.Str((await Client.GetAsync(KubeResource.ReplicaSets, Namespace, replicaSet)).ValueOrThrow(), "metadata", "labels", "pod-template-hash");

    public async Task<bool> CanaryServiceExistsAsync() =>
        (await Client.GetAsync(KubeResource.Services, Namespace, "myapp-canary")).IsSuccess;

    private bool Verified(JsonObject rollout)
    {
        var states = (rollout["status"]?["trafficRouting"]?["routers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return states.Count == Routers.Length && states.All(x => x["verified"]?.GetValue<bool>() == true);
    }

    public ValueTask DisposeAsync() => S.DisposeAsync();
}
