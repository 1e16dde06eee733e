using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;
using k8s.Models;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// Who owns each ReplicaSet while the primary changes hands, and when the Rollout goes without handing its ReplicaSets
/// back, against the real kube-controller-manager (Deployment controller and garbage collector).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ReplicaSetOwnershipTests(ControlPlaneFixture cluster)
{
    private const int Runs = 3;

    /// <summary>A 2-replica Deployment on app:v1 and its Rollout of one paused step, Healthy: with stable's ReplicaSet and the Deployment's uid.</summary>
    private async Task<(RolloutScenario S, string Stable, string DeploymentUid)> HealthyAsync(string prefix, int traffic)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        var step = new JsonObject { ["traffic"] = traffic, ["pause"] = new JsonObject() };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", step))).ValueOrThrow();
        var healthy = await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Healthy", "the rollout to adopt v1");
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        return (s, Objects.Str(healthy, "status", "stableReplicaSet")!, Objects.Str(deployment, "metadata", "uid")!);
    }

    /// <summary>Releases app:v2 to a 50% step and returns the canary's ReplicaSet once its pod runs beside stable's two.</summary>
    private static async Task<JsonObject> AtHalfStepAsync(RolloutScenario s, string stable)
    {
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Paused", "the rollout to pause at its step");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 1 }, "one canary pod beside two stable");
        return (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items.Single(rs => Objects.Str(rs, "metadata", "name") != stable);
    }

    [Fact]
    public async Task Abort_AfterCanaryBecamePrimary_StableNeverScaledDownAgainAndEveryRunEndsAborted()
    {
        // a 100% step makes the canary the Deployment's primary; an abort brings v1 back beside it and hands the primary
        // back to v1 while the Deployment's template is still the canary's (saturated): v1 must never go down again
        var (s, stable, deploymentUid) = await HealthyAsync("own-abort", traffic: 100);
        await using var _ = s;
        await using var sampler = await ReplicaSetSampler.StartAsync(s.Client, s.Namespace);
        for (var run = 2; run < 2 + Runs; run++)
        {
            (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage($"app:v{run}"))).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Paused" && Objects.Int(x, "status", "weight") == 100,
                $"run {run}: paused at the 100% step");
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { [$"app:v{run}"] = 2 }, $"run {run}: the canary alone at full size");
            await s.WaitForAsync(KubeResource.ReplicaSets, stable, rs => Objects.Int(rs, "spec", "replicas") == 0, $"run {run}: v1 at 0 behind the canary primary");
            sampler.Reset();

            await s.CommandAsync("myapp", $"abort {run}");

            await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Aborted", $"run {run}: the rollout to be aborted");
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2 }, $"run {run}: v1 alone serving");
            await s.WaitForAsync(KubeResource.ReplicaSets, stable, rs => OwnedReplicaSet.ControllerUidOf(KubeClient.Model<V1ReplicaSet>(rs)) == deploymentUid, $"run {run}: v1 back with the Deployment");
            await s.PokeDeploymentAsync("myapp", 3); // the Deployment controller syncs again on every change
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2 }, $"run {run}: v1 still serving after the Deployment controller synced");
            Assert.True(sampler.LowestAfterReaching(stable, 2) == 2,
                $"run {run}: stable {stable} went back to {sampler.LowestAfterReaching(stable, 2)} after the abort brought it to 2\n{await s.DescribeAsync("myapp")}");
        }
    }

    [Theory]
    [InlineData(PropagationPolicy.Foreground)]
    [InlineData(PropagationPolicy.Background)]
    public async Task DeleteRollout_FinalizerStripped_CanaryAdoptedByTheDeploymentAndStableNeverDrops(PropagationPolicy propagation)
    {
        var (s, stable, deploymentUid) = await HealthyAsync($"own-gc-{propagation.ToString().ToLowerInvariant()}", traffic: 50);
        await using var _ = s;
        var canary = await AtHalfStepAsync(s, stable);
        var canaryName = Objects.Str(canary, "metadata", "name")!;
        Assert.NotEqual(deploymentUid, OwnedReplicaSet.ControllerUidOf(KubeClient.Model<V1ReplicaSet>(canary))); // the Rollout's
        Assert.Contains(canary["metadata"]!["ownerReferences"]!.AsArray().OfType<JsonObject>(), o => (string?)o["uid"] == deploymentUid && !o["controller"]!.GetValue<bool>());
        await using var sampler = await ReplicaSetSampler.StartAsync(s.Client, s.Namespace);

        // A finalizer is stripped by hand when its controller is down; a running controller puts it straight back (and
        // a delete then runs the hand-back, which un-pauses the Deployment toward its template: not this case).
        await s.StopControllerAsync();
        (await s.Client.PatchAsync(RolloutResource.Rollouts, s.Namespace, "myapp", PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray() } })).ValueOrThrow();
        (await s.Client.DeleteAsync(RolloutResource.Rollouts, s.Namespace, "myapp", new DeleteOptions { PropagationPolicy = propagation })).ValueOrThrow();

        await Eventually.WaitAsync(async () => (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).Error?.IsNotFound == true,
            RolloutScenario.Deadline, "the Rollout to be gone");
        var adopted = await s.WaitForAsync(KubeResource.ReplicaSets, canaryName, rs => OwnedReplicaSet.ControllerUidOf(KubeClient.Model<V1ReplicaSet>(rs)) == deploymentUid,
            "the Deployment controller to adopt the canary ReplicaSet");
        Assert.DoesNotContain(adopted["metadata"]!["ownerReferences"]!.AsArray().OfType<JsonObject>(), o => (string?)o["kind"] == "Rollout");
        // no Rollout, so no reconcile to wait for: the Deployment controller's status counts the adopted canary's pod once it synced with it
        await s.WaitForAsync(KubeResource.Deployments, "myapp", x => Objects.Int(x, "status", "replicas") == 3, "the Deployment controller to count the adopted canary");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 1 }, "the canary pod still beside two stable");
        Assert.True(sampler.Lowest(stable) >= 2, $"stable {stable} was scaled to {sampler.Lowest(stable)}\n{await s.DescribeAsync("myapp")}");
    }

    [Fact]
    public async Task DeleteDeployment_AtCanaryStep_RolloutsCanaryScaledToZeroWithWarning()
    {
        var (s, stable, _) = await HealthyAsync("own-gone", traffic: 50);
        await using var _ = s;
        var canary = Objects.Str(await AtHalfStepAsync(s, stable), "metadata", "name")!;

        (await s.Client.DeleteAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();

        var left = await s.WaitForAsync(KubeResource.ReplicaSets, canary, rs => Objects.Int(rs, "spec", "replicas") == 0, "the Rollout's canary ReplicaSet scaled to 0");
        Assert.DoesNotContain(left["metadata"]!["ownerReferences"]!.AsArray().OfType<JsonObject>(), o => (string?)o["kind"] == "Deployment" && o["controller"]!.GetValue<bool>());
        await s.WaitForEventAsync("myapp", "DeploymentGone");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int>(), "no pod of the deleted Deployment left");
    }
}
