using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>Leaving a release without promoting it: abort by a human, and cancel by reverting the Deployment (seed 002).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutAbortTests(ControlPlaneFixture cluster)
{
    private static async Task<(RolloutScenario Scenario, string StableReplicaSet)> PausedAtCanaryStepAsync(ControlPlaneFixture cluster, string prefix, int traffic)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        var step = new JsonObject { ["traffic"] = traffic, ["pause"] = new JsonObject() };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", step))).ValueOrThrow();
        var healthy = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2");
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() == true, "the Deployment to be paused");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "the rollout to pause at its step");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2, ["app:v3"] = 1 }, "2 v2 pods and 1 v3 pod");
        return (s, Objects.Str(healthy, "status", "stableReplicaSet")!);
    }

    [Fact]
    public async Task Abort_AtCanaryStep_CanaryRemovedStableServesAndTemplateKept()
    {
        var (s, stableRs) = await PausedAtCanaryStepAsync(cluster, "abort", traffic: 50);
        await using var _ = s;

        await s.CommandAsync("myapp", "abort please");

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "only the 2 v2 pods");
        var aborted = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Aborted", "the rollout to be aborted");
        Assert.Equal(stableRs, Objects.Str(aborted, "status", "stableReplicaSet"));
        Assert.Contains("aborted by a human", Objects.Str(aborted, "status", "canaria", "abortReason"));
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.True(deployment["spec"]!["paused"]!.GetValue<bool>());
        Assert.Equal("app:v3", (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]); // the user's object is not rewritten
        await s.WaitForEventAsync("myapp", "Aborted");
    }

    [Fact]
    public async Task RevertTemplate_AtCanaryStep_ReleaseCancelledAndStableKeepsServing()
    {
        var (s, stableRs) = await PausedAtCanaryStepAsync(cluster, "cancel", traffic: 50);
        await using var _ = s;

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "only the 2 v2 pods");
        var cancelled = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null,
            "the release to be cancelled");
        Assert.Equal(stableRs, Objects.Str(cancelled, "status", "stableReplicaSet"));
        Assert.True(cancelled["status"]!["canaria"]!["cancelled"]!.GetValue<bool>());
        var after = await s.WaitForAsync(KubeResource.Deployments, "myapp", d => Objects.Int(d, "status", "updatedReplicas") == 2,
            "the Deployment to count the stable pods as updated again");
        Assert.True(after["spec"]!["paused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeleteRollout_AtCanaryStep_DeploymentUnpausedAndFinishesNatively()
    {
        var (s, _) = await PausedAtCanaryStepAsync(cluster, "delete", traffic: 50);
        await using var _ = s;
        Assert.Contains(RolloutFinalizer.Name, (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow()["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));

        (await s.Client.DeleteAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();

        await Eventually.WaitAsync(async () => (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).Error?.IsNotFound == true,
            RolloutScenario.Deadline, "the Rollout to be gone");
        var deployment = await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() != true, "the Deployment to be un-paused");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v3"] = 2 }, "the Deployment's own rollout to v3");
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => Objects.Int(d, "status", "updatedReplicas") == 2 && Objects.Int(d, "status", "availableReplicas") == 2,
            "the Deployment to report 2 updated available replicas");
        Assert.Equal(2, (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items.Count); // it adopted Canaria's canary, no third
    }

    [Fact]
    public async Task CanaryNeverReady_ProgressDeadlinePasses_AbortedWithReasonAndStableServes()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "deadline", pod => (string?)pod["spec"]?["containers"]?[0]?["image"] == "app:v3");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() });
        rollout["spec"]!["progressDeadline"] = "3s";
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();

        var aborted = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Aborted", "the stuck release to abort at its deadline");
        Assert.Contains("did not finish within the progress deadline of 3s: canary has 0/1 ready replicas", Objects.Str(aborted, "status", "message"));
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "only the stable pods, the unready canary removed");
        await s.WaitForEventAsync("myapp", "Aborting");
    }
}
