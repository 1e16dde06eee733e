using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>The Rollout controller against the real Deployment and ReplicaSet controllers (seeds 000 and 004).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutControllerTests(ControlPlaneFixture cluster)
{
    private static readonly JsonObject ManualCanaryStep = new() { ["replicas"] = 1, ["pause"] = new JsonObject() };

    [Fact]
    public async Task SetImage_OneCanaryStepWithManualPause_OneNewPodThenPromoteReplacesAll()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "seed000");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualCanaryStep.DeepClone()))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2 as stable");
        var paused = await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() == true, "the Deployment to be paused");
        var stableRs = Objects.Str((await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow(), "status", "stableReplicaSet");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();

        var atStep = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "step") == "step 1/1",
            "the rollout to pause at its manual step");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2, ["app:v3"] = 1 }, "2 v2 pods and exactly 1 v3 pod");
        Assert.Equal(33, Objects.Int(await s.WaitForRolloutAsync("myapp", r => Objects.Int(r, "status", "weight") == 33, "weight 33"), "status", "weight"));
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.True(deployment["spec"]!["paused"]!.GetValue<bool>());
        var canaryRs = Objects.Str(atStep, "status", "canaryReplicaSet")!;
        Assert.NotEqual(stableRs, canaryRs);
        var replicaSets = (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items;
        Assert.Equal(2, replicaSets.Count); // no native rollout: only stable and Canaria's canary
        var canary = replicaSets.Single(rs => Objects.Str(rs, "metadata", "name") == canaryRs);
        // beside stable the canary is the Rollout's: the paused Deployment controller resizes only the ReplicaSets it controls
        // (and the Deployment's as a plain owner, so that the garbage collector never takes it with the Rollout alone)
        var owners = canary["metadata"]!["ownerReferences"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Contains(owners, o => (string?)o["kind"] == "Deployment" && !o["controller"]!.GetValue<bool>());
        var owner = Assert.Single(owners, o => o["controller"]!.GetValue<bool>());
        Assert.Equal((Objects.Str(atStep, "metadata", "uid"), "Rollout"), ((string?)owner["uid"], (string?)owner["kind"]));
        Assert.True(owner["controller"]!.GetValue<bool>());
        // The Deployment controller leaves the split alone: the counts hold over many more reconciles.
        await s.PokeDeploymentAsync("myapp", 10);
        Assert.Equal(new Dictionary<string, int> { ["app:v2"] = 2, ["app:v3"] = 1 }, await s.ReadyImagesAsync());

        await s.CommandAsync("myapp", "promote 1");

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v3"] = 2 }, "all pods v3");
        var done = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && Objects.Str(r, "status", "stableReplicaSet") == canaryRs,
            "the rollout to complete with v3 stable");
        Assert.Equal("promote 1", Objects.Str(done, "status", "commandApplied"));
        var after = await s.WaitForAsync(KubeResource.Deployments, "myapp",
            d => Objects.Int(d, "status", "updatedReplicas") == 2 && Objects.Int(d, "status", "replicas") == 2 && Objects.Int(d, "status", "readyReplicas") == 2,
            "the Deployment to count 2 updated replicas");
        Assert.True(after["spec"]!["paused"]!.GetValue<bool>());
        var promoted = (await s.Client.GetAsync(KubeResource.ReplicaSets, s.Namespace, canaryRs)).ValueOrThrow();
        Assert.Equal(Objects.Str(after, "metadata", "uid"), (string?)promoted["metadata"]!["ownerReferences"]![0]!["uid"]); // the Deployment's new ReplicaSet
        Assert.Equal(Objects.Str(canary, "metadata", "annotations", DeploymentView.RevisionAnnotation), Objects.Str(after, "metadata", "annotations", DeploymentView.RevisionAnnotation));
        await s.WaitForEventAsync("myapp", "ReleaseStarted");
        await s.WaitForEventAsync("myapp", "Completed");
    }

    [Fact]
    public async Task SetImage_TenStableOneSurge_TenToOneByReplicaRatioThenFullPromotion()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "seed004");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 10, "app:v1", maxSurge: 1), ready: 10);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualCanaryStep.DeepClone()))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1 as stable");
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() == true, "the Deployment to be paused");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 10, ["app:v2"] = 1 }, "10 v1 pods and 1 v2 pod");
        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Int(r, "status", "weight") == 9,
            "the rollout paused with 9% of ready pods on the canary");
        Assert.Contains("step 1/1", Objects.Str(paused, "status", "step"));

        await s.CommandAsync("myapp", "promote now");

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 10 }, "10 v2 pods");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && Objects.Int(r, "status", "weight") == 0 && r["status"]?["step"] is null,
            "the rollout to complete");
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => Objects.Int(d, "status", "updatedReplicas") == 10 && Objects.Int(d, "status", "replicas") == 10,
            "the Deployment to count 10 updated replicas");
    }

    [Fact]
    public async Task InvalidRollout_MissingWorkloadRefOrBadPercent_ConditionAndMessageAndNothingElseChanges()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "invalid");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("noref", null, (JsonObject)ManualCanaryStep.DeepClone()))).ValueOrThrow();
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("toomuch", "myapp", new JsonObject { ["traffic"] = 140 }))).ValueOrThrow();

        var noRef = await s.WaitForRolloutAsync("noref", r => Objects.Str(r, "status", "phase") == "Invalid", "noref to be reported invalid");
        var tooMuch = await s.WaitForRolloutAsync("toomuch", r => Objects.Str(r, "status", "phase") == "Invalid", "toomuch to be reported invalid");

        var condition = Assert.Single(noRef["status"]!["conditions"]!.AsArray())!;
        Assert.Equal(("SpecValid", "False", "InvalidSpec"), ((string?)condition["type"], (string?)condition["status"], (string?)condition["reason"]));
        Assert.Contains("spec.workloadRef.name", Objects.Str(noRef, "status", "message"));
        Assert.Contains("spec.strategy.canary.steps[0].traffic: 140% is more than 100%", Objects.Str(tooMuch, "status", "message"));
        Assert.Null(tooMuch["status"]!["canaria"]);
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.NotEqual(true, deployment["spec"]?["paused"]?.GetValue<bool>());
        Assert.Single((await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items);

        // Fixing the spec starts managing the Deployment.
        (await s.Client.PatchAsync(RolloutResource.Rollouts, s.Namespace, "toomuch", PatchType.Merge,
            new JsonObject { ["spec"] = new JsonObject { ["strategy"] = new JsonObject { ["canary"] = new JsonObject { ["steps"] = new JsonArray(new JsonObject { ["traffic"] = 40 }) } } } })).ValueOrThrow();
        var fixedUp = await s.WaitForRolloutAsync("toomuch", r => Objects.Str(r, "status", "phase") == "Healthy", "the fixed rollout to become healthy");
        Assert.Equal("True", Objects.Str(fixedUp["status"]!["conditions"]![0], "status"));
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() == true, "the Deployment to be paused");
    }

    [Fact]
    public async Task CanaryRelease_WithService_CanaryServiceSelectsOnlyCanaryPodsWhileReleasing()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "canarysvc");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("myapp"))).ValueOrThrow();
        var rollout = RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualCanaryStep.DeepClone());
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2");
        Assert.Equal(404, (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp-canary")).Error?.Code);

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();

        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "the rollout to pause at its step");
        await s.WaitForEndpointsAsync("myapp-canary", "app:v3");
        var canaryService = (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp-canary")).ValueOrThrow();
        Assert.Equal(Objects.Str(paused, "metadata", "uid"), Objects.Str(canaryService["metadata"]!["ownerReferences"]![0], "uid"));
        var userService = (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Null(Objects.Str(userService, "spec", "selector", "pod-template-hash")); // replica ratio: the user's Service selects both versions

        await s.CommandAsync("myapp", "promote 1");

        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null, "the release to complete");
        await Eventually.WaitAsync(async () => (await s.Client.GetAsync(KubeResource.Services, s.Namespace, "myapp-canary")).Error?.IsNotFound == true,
            RolloutScenario.Deadline, "the canary Service to be removed");
    }

    [Fact]
    public async Task Command_NotPossibleNow_RefusedAsEventAndRecordedOnce()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "refused");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualCanaryStep.DeepClone()))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2");

        await s.CommandAsync("myapp", "promote 1");

        var recorded = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "commandApplied") == "promote 1", "the command to be recorded");
        await s.WaitForEventAsync("myapp", "CommandRefused");
        Assert.Equal("Healthy", Objects.Str(recorded, "status", "phase"));
        var refusals = (await s.EventsOfAsync("myapp")).Where(e => Objects.Str(e, "reason") == "CommandRefused").ToList();
        var refusal = Assert.Single(refusals);
        Assert.Contains("no release is in progress", Objects.Str(refusal, "message"));
        Assert.Equal("Warning", Objects.Str(refusal, "type"));
    }

    [Fact]
    public async Task Rollout_ComparisonWithStableOnKubernetes_RefusedNamingWhatToUseInstead()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "noanalysis");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 50 });
        rollout["spec"]!["analysis"] = new JsonObject { ["checks"] = new JsonArray(new JsonObject { ["name"] = "errors", ["compare"] = "stable" }) };

        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();

        var refused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Invalid", "the rollout to be refused");
        Assert.Contains("spec.analysis.checks[0].provider: compare: stable on Kubernetes reads both versions' request counts from Prometheus", Objects.Str(refused, "status", "message"));
        Assert.Contains("write provider: prometheus and address", Objects.Str(refused, "status", "message"));
        Assert.NotEqual(true, (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow()["spec"]?["paused"]?.GetValue<bool>());
    }
}
