using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Routed;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// The paused Deployment controller (the real kube-controller-manager) still runs its scale on every sync: it scales the
/// old ReplicaSets to 0 once the new one looks saturated, resizes them proportionally to replicas + maxSurge, and before
/// the pause it makes a ReplicaSet of its own. Each flow runs many times over, since a race passes now and then by timing;
/// the stable ReplicaSet is watched the whole time, so even a scale-down undone a moment later fails the test.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DeploymentControllerRaceTests(ControlPlaneFixture cluster)
{
    private const int Runs = 6;

    [Fact]
    public async Task Release_SmiStepAtFullCanarySize_StableNeverBelowItsReplicasAndEveryRunCompletes()
    {
        // issue 11: SMI, replicas 2, a 75% step → 2 canary pods, as many as the Deployment's replicas
        var steps = new JsonArray(new JsonObject { ["traffic"] = 75, ["pause"] = new JsonObject() });
        await using var r = await RoutedRelease.StartAsync(cluster, "race-smi", ["smi"], steps, replicas: 2);
        await using var sampler = await ReplicaSetSampler.StartAsync(r.Client, r.Namespace);
        for (var run = 2; run < 2 + Runs; run++)
        {
            var stable = Objects.Str((await r.Client.GetAsync(RolloutResource.Rollouts, r.Namespace, "myapp")).ValueOrThrow(), "status", "stableReplicaSet")!;
            sampler.Reset();
            await r.SetImageAsync($"app:v{run}");
            await r.WaitForStepAsync("step 1/1", 75);
            await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { [$"app:v{run - 1}"] = 2, [$"app:v{run}"] = 2 }, $"run {run}: two canary pods beside two stable");
            await r.S.PokeDeploymentAsync("myapp", 3); // the Deployment controller syncs again on every change

            Assert.True(sampler.Lowest(stable) >= 2, $"run {run}: stable {stable} was scaled to {sampler.Lowest(stable)} during the canary\n{await r.S.DescribeAsync("myapp")}");
            await r.S.CommandAsync("myapp", $"promote {run}");
            await r.WaitForRestoredAsync("Healthy", $"run {run}: the release to complete");
            await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { [$"app:v{run}"] = 2 }, $"run {run}: the new stable alone");
        }
    }

    [Fact]
    public async Task Release_OneReplicaWithoutRouter_StableKeepsItsPodBesideTheCanaryAndEveryRunCompletes()
    {
        // issue 11: a 1-replica RollingUpdate Deployment without a router; the 1-pod canary is as big as the Deployment
        await using var s = await RolloutScenario.StartAsync(cluster, "race-one");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 1, "app:v1"), ready: 1);
        var step = new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", step))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Healthy", "the rollout to adopt v1");
        await using var sampler = await ReplicaSetSampler.StartAsync(s.Client, s.Namespace);
        for (var run = 2; run < 2 + Runs; run++)
        {
            var stable = Objects.Str((await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow(), "status", "stableReplicaSet")!;
            sampler.Reset();
            (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage($"app:v{run}"))).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Paused" && Objects.Str(x, "status", "step") == "step 1/1"
                && Objects.Int(x, "status", "weight") == 50, $"run {run}: paused at the step with half the ready pods on the canary");
            await s.PokeDeploymentAsync("myapp", 3);
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { [$"app:v{run - 1}"] = 1, [$"app:v{run}"] = 1 }, $"run {run}: one canary pod beside the stable one");

            Assert.True(sampler.Lowest(stable) >= 1, $"run {run}: stable {stable} was scaled to {sampler.Lowest(stable)} during the canary\n{await s.DescribeAsync("myapp")}");
            await s.CommandAsync("myapp", $"promote {run}");
            await s.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Healthy" && x["status"]?["canaryRevision"] is null
                && Objects.Int(x, "status", "stableRevision") == run, $"run {run}: the release to complete");
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { [$"app:v{run}"] = 1 }, $"run {run}: the new stable alone");
        }
    }

    [Fact]
    public async Task Create_DeploymentsTogetherWithTheirRollouts_OneReplicaSetPerRevision()
    {
        // issue 11: 62 of 2,000 Deployments created with their Rollouts got an extra revision-1 ReplicaSet from the
        // Deployment controller, made before Canaria paused the Deployment; the Rollout is created first, so Canaria and
        // the Deployment controller see the new Deployment at the same moment
        const int count = 24;
        await using var s = await RolloutScenario.StartAsync(cluster, "race-create");
        var step = new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() };
        var names = Enumerable.Range(0, count).Select(i => $"app{i}").ToList();
        await Task.WhenAll(names.Select(async n =>
        {
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout(n, n, (JsonObject)step.DeepClone()))).ValueOrThrow();
            (await s.Client.CreateAsync(KubeResource.Deployments, s.Namespace, RolloutObjects.Deployment(n, 2, "app:v1"))).ValueOrThrow();
        }));

        foreach (var n in names)
            await s.WaitForRolloutAsync(n, x => Objects.Str(x, "status", "phase") == "Healthy", $"{n} to adopt v1");
        await s.PokeDeploymentAsync("app0", 2); // the controllers settle; a late duplicate would exist by now
        var sets = (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items;
        var extra = names.Where(n => sets.Count(rs => Objects.Str(rs, "metadata", "labels", "app") == n) != 1).ToList();

        Assert.True(extra.Count == 0, $"{extra.Count} of {count} Deployments have more than one ReplicaSet for revision 1: " +
            string.Join(", ", sets.Where(rs => extra.Contains(Objects.Str(rs, "metadata", "labels", "app")!)).Select(rs =>
                $"{Objects.Str(rs, "metadata", "name")} replicas={Objects.Int(rs, "spec", "replicas")}")));
    }
}
