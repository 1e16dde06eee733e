using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>
/// Whole releases through the controller with each traffic router against the real API server: every step's weight
/// verified in the Rollout's status and read back from the data plane object itself, and the user's objects handed
/// back exactly (with the user's own edits) once the release completes or aborts.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RoutedReleaseTests(ControlPlaneFixture cluster)
{
    private static JsonArray TenThenFifty() =>
    [
        new JsonObject { ["traffic"] = 10, ["pause"] = new JsonObject() },
        new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() },
    ];

    [Theory]
    [InlineData("istio")]
    [InlineData("smi")]
    [InlineData("nginx")]
    [InlineData("gatewayAPI")]
    public async Task Promote_EachRouter_TenFiftyHundredThenUserObjectRestoredWithTheUsersEdit(string router)
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "promote-" + router.ToLowerInvariant(), [router], TenThenFifty());
        var v1 = await r.S.WaitForRolloutAsync("myapp", x => x["status"]?["stableReplicaSet"] is not null, "the stable ReplicaSet");
        var v1Hash = await r.PodHashOfAsync(Objects.Str(v1, "status", "stableReplicaSet")!);
        var original = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, router);
        Assert.Equal(v1Hash, await r.StableSelectorAsync()); // the stable Service selects only stable pods, before any canary exists

        await r.SetImageAsync("app:v2");
        await r.WaitForStepAsync("step 1/2", 10);
        Assert.True(await r.CanaryServiceExistsAsync());
        Assert.Equal(v1Hash, await r.StableSelectorAsync());
        var expected = await EditUnrelatedFieldAsync(r.Client, r.Namespace, router, original);

        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 50);
        await r.S.CommandAsync("myapp", "promote 2");
        var done = await r.WaitForRestoredAsync("Healthy", "the release to complete and the routing to be handed back");

        var events = await r.S.EventsOfAsync("myapp");
        Assert.Contains(events, e => Objects.Str(e, "message")?.Contains("full promotion: 100%", StringComparison.Ordinal) == true);
        Assert.Equal(0, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, router));
        Assert.Equal(expected?.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, router))?.ToJsonString());
        Assert.Equal(await r.PodHashOfAsync(Objects.Str(done, "status", "stableReplicaSet")!), await r.StableSelectorAsync());
        Assert.False(await r.CanaryServiceExistsAsync());
        if (router == "smi") Assert.False((await r.Client.GetAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp")).IsSuccess); // Canaria made it, Canaria removes it
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 4 }, "v1 scaled down after the delay");
    }

    [Theory]
    [InlineData("istio")]
    [InlineData("smi")]
    [InlineData("nginx")]
    [InlineData("gatewayAPI")]
    public async Task Abort_EachRouterAtFifty_TrafficBackToStableBeforeCanaryGoesAndObjectRestored(string router)
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "abort-" + router.ToLowerInvariant(), [router], TenThenFifty());
        var original = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, router);
        await r.ReleaseToFiftyAsync();

        await r.S.CommandAsync("myapp", "abort 1");

        await r.WaitForRestoredAsync("Aborted", "the abort to finish and the routing to be handed back");
        Assert.Equal(0, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, router));
        Assert.Equal(original?.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, router))?.ToJsonString());
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4 }, "the canary scaled down");
        Assert.False(await r.CanaryServiceExistsAsync());
        var status = (await r.Client.GetAsync(Canaria.Kubernetes.Resources.RolloutResource.Rollouts, r.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(await r.PodHashOfAsync(Objects.Str(status, "status", "stableReplicaSet")!), await r.StableSelectorAsync());
    }

    [Fact]
    public async Task Promote_RecreateDeployment_StableKeepsItsFullSizeBesideTheCanary()
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "routed-recreate", ["istio"], TenThenFifty(), recreate: true);

        await r.SetImageAsync("app:v2");
        await r.WaitForStepAsync("step 1/2", 10);
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4, ["app:v2"] = 1 }, "one canary pod beside four stable");
        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 50);
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4, ["app:v2"] = 2 }, "two canary pods beside four stable");
        await r.S.CommandAsync("myapp", "promote 2");

        await r.WaitForRestoredAsync("Healthy", "the release to complete");
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 4 }, "v2 at full size, v1 gone");
    }

    [Fact]
    public async Task Abort_WithScaleDownDelay_CanaryPodsOutliveTheVerifiedSplitThenGo()
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "abort-delay", ["istio"], TenThenFifty(), scaleDownDelay: "8s");
        await r.ReleaseToFiftyAsync();

        await r.S.CommandAsync("myapp", "abort 1");

        var aborted = await r.WaitForRestoredAsync("Aborted", "the split back on stable and the VirtualService handed back");
        var verifiedAt = DateTimeOffset.Parse(Objects.Str(aborted, "status", "trafficRouting", "changedAt")!, System.Globalization.CultureInfo.InvariantCulture);
        var images = await r.S.ReadyImagesAsync();
        if (DateTimeOffset.UtcNow - verifiedAt < TimeSpan.FromSeconds(6)) // checked well inside the delay (a slow machine may not be)
            Assert.True(images.GetValueOrDefault("app:v2") > 0, "the canary's pods went before proxies could apply the verified split");
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4 }, "the canary scaled down after the delay");
        Assert.True(DateTimeOffset.UtcNow - verifiedAt >= TimeSpan.FromSeconds(8), "the canary went before scaleDownDelay had passed");
    }

    [Fact]
    public async Task NewRevision_PushedAtFifty_OldCanaryDrainedThenNewCanaryFromTheFirstStep()
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "routed-v3", ["istio"], TenThenFifty());
        await r.ReleaseToFiftyAsync();

        await r.SetImageAsync("app:v3");

        var restarted = await r.WaitForStepAsync("step 1/2", 10);
        Assert.Equal(3, Objects.Int(restarted, "status", "canaryRevision"));
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4, ["app:v3"] = 1 }, "v2 gone, one v3 pod beside all of stable");
        var canaryService = (await r.Client.GetAsync(KubeResource.Services, r.Namespace, "myapp-canary")).ValueOrThrow();
        Assert.Equal(await r.PodHashOfAsync(Objects.Str(restarted, "status", "canaryReplicaSet")!), Objects.Str(canaryService, "spec", "selector", "pod-template-hash"));
    }

    [Fact]
    public async Task Promote_RoutedRollingUpdateWithSmallSurge_StableKeepsItsFullSizeBesideTheCanary()
    {
        // maxSurge 1 of 4: the canary's ReplicaSet is the Rollout's, so the Deployment's surge budget does not apply to it
        await TestCrds.InstallAllAsync(cluster.Client);
        await using var s = await RolloutScenario.StartAsync(cluster, "routed-surge");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 4, "app:v1", maxSurge: 1), ready: 4);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, Controller.BlueGreenTests.Service("myapp"))).ValueOrThrow();
        await DataPlanes.CreateUserObjectsAsync(s.Client, s.Namespace, "istio");
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() });
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        rollout["spec"]!["trafficRouting"] = DataPlanes.RoutingFor("istio");
        rollout["spec"]!["scaleDownDelay"] = "1s";
        (await s.Client.CreateAsync(Canaria.Kubernetes.Resources.RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Healthy", "v1 adopted");
        var r = new RoutedRelease(s, ["istio"]);

        await r.SetImageAsync("app:v2");

        await r.WaitForStepAsync("step 1/1", 50);
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4, ["app:v2"] = 2 }, "two canary pods beside four stable");
        await s.PokeDeploymentAsync("myapp", 3);
        Assert.Equal(4, (await s.ReadyImagesAsync()).GetValueOrDefault("app:v1"));
        await s.CommandAsync("myapp", "promote 1");
        await r.WaitForRestoredAsync("Healthy", "the release to complete");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 4 }, "v2 at full size, v1 gone");
    }

    [Fact]
    public async Task Promote_IstioEastWestAndNginxNorthSouth_BothCarryEveryStep()
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "two-routers", ["istio", "nginx"], TenThenFifty());
        var ingress = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "nginx");
        var vs = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio");
        await r.ReleaseToFiftyAsync();

        await r.S.CommandAsync("myapp", "promote-full 2");

        await r.WaitForRestoredAsync("Healthy", "the release to complete with both routers handed back");
        Assert.Equal(ingress!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "nginx"))!.ToJsonString());
        Assert.Equal(vs!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio"))!.ToJsonString());
        Assert.False((await r.Client.GetAsync(DataPlanes.Ingresses, r.Namespace, "myapp-canary")).IsSuccess);
    }

    [Fact]
    public async Task Delete_RolloutAtFifty_RoutersHandBackEverythingBeforeTheFinalizerGoes()
    {
        await using var r = await RoutedRelease.StartAsync(cluster, "delete-routed", ["istio", "nginx"], TenThenFifty());
        var vs = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio");
        await r.ReleaseToFiftyAsync();

        (await r.Client.DeleteAsync(Canaria.Kubernetes.Resources.RolloutResource.Rollouts, r.Namespace, "myapp")).ValueOrThrow();

        await Eventually.WaitAsync(async () => !(await r.Client.GetAsync(Canaria.Kubernetes.Resources.RolloutResource.Rollouts, r.Namespace, "myapp")).IsSuccess,
            RolloutScenario.Deadline, "the Rollout to be gone");
        Assert.Equal(vs!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio"))!.ToJsonString());
        Assert.False((await r.Client.GetAsync(DataPlanes.Ingresses, r.Namespace, "myapp-canary")).IsSuccess);
        Assert.Null(await r.StableSelectorAsync()); // the Service selects every pod of the app again
        var deployment = (await r.Client.GetAsync(KubeResource.Deployments, r.Namespace, "myapp")).ValueOrThrow();
        Assert.False(deployment["spec"]?["paused"]?.GetValue<bool>() ?? false);
    }

    /// <summary>A user's edit elsewhere in the object during the release; returns the original as it must look after the hand-back.</summary>
    private static async Task<JsonNode?> EditUnrelatedFieldAsync(KubeClient client, string ns, string router, JsonNode? original)
    {
        var expected = original?.DeepClone();
        switch (router)
        {
            case "istio":
                (await client.PatchAsync(DataPlanes.VirtualServices, ns, "myapp", PatchType.Json,
                    JsonNode.Parse("""[{"op":"replace","path":"/spec/http/0/timeout","value":"20s"}]""")!)).ValueOrThrow();
                expected!["http"]![0]!["timeout"] = "20s";
                return expected;
            case "gatewayAPI":
                (await client.PatchAsync(DataPlanes.HttpRoutes, ns, "myapp", PatchType.Json,
                    JsonNode.Parse("""[{"op":"add","path":"/spec/hostnames/-","value":"www.myapp.example.com"}]""")!)).ValueOrThrow();
                expected!["hostnames"]!.AsArray().Add("www.myapp.example.com");
                return expected;
            default:
                return expected; // nothing of the user's is changed in place: it must stay exactly so
        }
    }
}
