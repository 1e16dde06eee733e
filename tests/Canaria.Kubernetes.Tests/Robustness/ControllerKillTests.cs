using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Robustness;

/// <summary>A real `canaria controller` process killed with SIGKILL mid-release and started again.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ControllerKillTests(ControlPlaneFixture cluster)
{
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(120); // the dead holder's Lease (15 s) must expire first

    /// <param name="midScaling">false: killed while step 2 is paused for a human; true: killed while step 2 still scales
    /// up (its second canary pod is held unready), so the restarted process must go on waiting for that pod.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ControllerProcess_KilledMidStepAndRestarted_ResumesAtSameStepWithSameReplicaSetsAndPods(bool midScaling)
    {
        var canaries = 0;
        Func<JsonObject, bool>? hold = midScaling
            ? (pod => (string?)pod["spec"]?["containers"]?[0]?["image"] == "app:v2" && Interlocked.Increment(ref canaries) == 2)
            : null;
        await using var s = await RolloutScenario.StartAsync(cluster, "sigkill", holdUnready: hold, startController: false);
        string[] args = ["--kubeconfig", cluster.KubeconfigPath, "--namespace", s.Namespace, "--lease-namespace", s.Namespace];
        using var first = ControllerProcess.Start(args);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 3, "app:v1", maxSurge: 1), ready: 3);
        var rollout = RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() },
            new JsonObject { ["replicas"] = 2, ["pause"] = new JsonObject() });
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await WaitAsync(s, first, r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await WaitAsync(s, first, r => Objects.Str(r, "status", "step") == "step 1/2" && Objects.Str(r, "status", "phase") == "Paused", "step 1 paused");
        await s.CommandAsync("myapp", "promote 1");
        var phase = midScaling ? "Progressing" : "Paused";
        var before = await WaitAsync(s, first, r => Objects.Str(r, "status", "step") == "step 2/2" && Objects.Str(r, "status", "phase") == phase
            && (!midScaling || Objects.Str(r, "status", "message")!.Contains("(1/2 ready)", StringComparison.Ordinal)), $"step 2 {phase}");
        if (midScaling)
            await Eventually.WaitAsync(() => SettledWithOneHeldPodAsync(s), RolloutScenario.Deadline, "the held canary pod to exist and the ReplicaSets to settle");
        else
            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 3, ["app:v2"] = 2 }, "all 3 stable and 2 canary pods");
        var setsBefore = await ReplicaSetsAsync(s);
        var podsBefore = await PodUidsAsync(s);

        await first.KillAsync();
        using var second = ControllerProcess.Start(args);

        // The new process must take the Lease over (after the dead holder's expires) and reconcile: a command it
        // refuses (there is no step 9) is recorded in status.commandApplied only by a reconcile.
        await Eventually.WaitAsync(async () => (string?)(await s.Client.GetAsync(KubeResource.Leases, s.Namespace, "canaria-controller")).Value?["spec"]?["holderIdentity"] == second.Identity,
            Takeover, $"the restarted controller {second.Identity} to hold the Lease\n{second.Output}");
        await s.CommandAsync("myapp", "jump 9");
        var after = await WaitAsync(s, second, r => Objects.Str(r, "status", "commandApplied") == "jump 9", "the restarted controller to reconcile");
        await s.WaitForEventAsync("myapp", "CommandRefused");

        Assert.Equal(Objects.Str(before, "status", "step"), Objects.Str(after, "status", "step"));
        Assert.Equal(phase, Objects.Str(after, "status", "phase"));
        Assert.Equal(Objects.Int(before, "status", "canaria", "stepIndex"), Objects.Int(after, "status", "canaria", "stepIndex"));
        Assert.Equal(Objects.Str(before, "status", "canaryReplicaSet"), Objects.Str(after, "status", "canaryReplicaSet"));
        Assert.Equal(setsBefore, await ReplicaSetsAsync(s)); // same ReplicaSets (uids), same sizes
        Assert.Equal(podsBefore, await PodUidsAsync(s)); // no pod deleted or replaced

        // It goes on from step 2: (once the held pod is Ready) one promote completes the release.
        if (midScaling)
        {
            var held = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items.Single(p => !RolloutScenario.IsReady(p));
            await s.Node.MarkReadyAsync(s.Namespace, Objects.Str(held, "metadata", "name")!);
            await WaitAsync(s, second, r => Objects.Str(r, "status", "step") == "step 2/2" && Objects.Str(r, "status", "phase") == "Paused", "step 2 paused");
        }
        await s.CommandAsync("myapp", "promote 2");
        await WaitAsync(s, second, r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null, "the release to complete");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 3 }, "all pods v2");
        Assert.False(second.HasExited, second.Output);
    }

    private static async Task<JsonObject> WaitAsync(RolloutScenario s, ControllerProcess controller, Func<JsonObject, bool> condition, string what)
    {
        try
        {
            return await s.WaitForRolloutAsync("myapp", condition, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\ncontroller process output:\n{controller.Output}", e);
        }
    }

    private static async Task<bool> SettledWithOneHeldPodAsync(RolloutScenario s)
    {
        var pods = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items;
        var sets = (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items;
        return pods.All(p => p["metadata"]?["deletionTimestamp"] is null)
            && pods.Count(p => !RolloutScenario.IsReady(p)) == 1
            && sets.All(rs => Objects.Int(rs, "spec", "replicas") == Objects.Int(rs, "status", "replicas"));
    }

    private static async Task<List<string>> ReplicaSetsAsync(RolloutScenario s) =>
        (await s.Client.ListAllAsync(KubeResource.ReplicaSets, s.Namespace)).ValueOrThrow().Items
            .Select(rs => $"{Objects.Str(rs, "metadata", "name")} {Objects.Str(rs, "metadata", "uid")} replicas={Objects.Int(rs, "spec", "replicas")}").Order().ToList();

    private static async Task<List<string>> PodUidsAsync(RolloutScenario s) =>
        (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items
            .Where(p => p["metadata"]?["deletionTimestamp"] is null).Select(p => Objects.Str(p, "metadata", "uid")!).Order().ToList();
}
