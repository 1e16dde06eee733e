using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Cli;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// No silent failure (issue 11): every state that needs a human is a condition (False) and one Warning event however often
/// the Rollout is reconciled, shown first by `get` and by kubectl describe; when it clears, the condition turns True and
/// one Normal event says so.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FailureConditionTests(ControlPlaneFixture cluster)
{
    internal static readonly KubeControllerOptions Fast = new()
    {
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        RetryInterval = TimeSpan.FromMilliseconds(500),
        RouterCheckInterval = TimeSpan.FromMilliseconds(300),
        StuckAfter = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task InvalidSpecAndMissingDeployment_ManyReconciles_OneWarningEachThenNormalWhenFixed()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "failing", options: Fast);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1", maxSurge: 1), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("typo", "myapp", new JsonObject { ["traffic"] = 140 }))).ValueOrThrow();
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("orphan", "nope", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();

        var invalid = await s.WaitForConditionAsync("typo", "SpecValid", "False", "InvalidSpec");
        var orphan = await s.WaitForConditionAsync("orphan", "WorkloadFound", "False", "DeploymentNotFound");
        Assert.Contains("spec.strategy.canary.steps[0].traffic", Objects.Str(RolloutScenario.Condition(invalid, "SpecValid"), "message"));
        Assert.Contains("Deployment nope not found", Objects.Str(RolloutScenario.Condition(orphan, "WorkloadFound"), "message"));
        Assert.Equal("True", Objects.Str(RolloutScenario.Condition(orphan, "SpecValid"), "status"));
        await s.PokeAsync(RolloutResource.Rollouts, "typo", 4);
        await s.PokeAsync(RolloutResource.Rollouts, "orphan", 4);
        await s.WaitForEventAsync("orphan", "DeploymentNotFound");
        await s.WaitForEventAsync("typo", "InvalidSpec");
        AssertOnce(await s.EventsOfAsync("typo", "Warning", "InvalidSpec"), "spec.strategy.canary.steps[0].traffic");
        AssertOnce(await s.EventsOfAsync("orphan", "Warning", "DeploymentNotFound"), "Deployment nope not found");

        // What an operator sees: `get` puts the condition first, kubectl describe shows conditions and events.
        var get = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "get", "orphan", "-n", s.Namespace);
        Assert.Contains("attention: WorkloadFound DeploymentNotFound: Deployment nope not found", get.Prose, StringComparison.Ordinal);
        var describe = await KubeTools.RunAsync(KubeTools.Kubectl, cluster.KubeconfigPath, null, "describe", "rollout", "typo", "-n", s.Namespace);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("InvalidSpec", describe.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Warning\s+InvalidSpec", describe.Stdout);

        (await s.Client.PatchAsync(RolloutResource.Rollouts, s.Namespace, "typo", PatchType.Merge,
            new JsonObject { ["spec"] = new JsonObject { ["strategy"] = new JsonObject { ["canary"] = new JsonObject { ["steps"] = new JsonArray(new JsonObject { ["traffic"] = 40 }) } } } })).ValueOrThrow();
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("nope", 2, "app:v1", maxSurge: 1), ready: 2);

        await s.WaitForConditionAsync("typo", "SpecValid", "True", "Valid");
        await s.WaitForConditionAsync("orphan", "WorkloadFound", "True", "DeploymentFound");
        await s.WaitForEventAsync("typo", "Valid");
        await s.WaitForEventAsync("orphan", "DeploymentFound");
        AssertOnce(await s.EventsOfAsync("typo", "Normal", "Valid"), "SpecValid again");
        AssertOnce(await s.EventsOfAsync("orphan", "Normal", "DeploymentFound"), "WorkloadFound again");
        Assert.Single(await s.EventsOfAsync("orphan", "Warning", "DeploymentNotFound"));
    }

    [Fact]
    public async Task CanaryPodsNeverReady_PastStuckAfter_WaitingForPodsOnceThenReplicaRatioWords()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "stuck", holdUnready: p => (string?)p["spec"]?["containers"]?[0]?["image"] == "app:v2", options: Fast);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1", maxSurge: 1), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v1 stable");
        var atRest = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal("ReplicaRatio", Objects.Str(RolloutScenario.Condition(atRest, "TrafficRouted"), "reason"));

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();

        var stuck = await s.WaitForConditionAsync("myapp", "Progressing", "False", "WaitingForPods");
        Assert.Contains("waiting for canary replicas (0/1 ready)", Objects.Str(RolloutScenario.Condition(stuck, "Progressing"), "message"));
        await s.PokeDeploymentAsync("myapp", 4);
        await s.WaitForEventAsync("myapp", "WaitingForPods");
        AssertOnce(await s.EventsOfAsync("myapp", "Warning", "WaitingForPods"), "waiting for canary replicas");

        foreach (var pod in (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items.Where(p => (string?)p["spec"]?["containers"]?[0]?["image"] == "app:v2"))
            await s.Node.MarkReadyAsync(s.Namespace, Objects.Str(pod, "metadata", "name")!);

        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "paused at the manual step");
        await s.WaitForConditionAsync("myapp", "Progressing", "True", "Paused");
        await Eventually.WaitAsync(async () => (await s.EventsOfAsync("myapp")).Any(e => Objects.Str(e, "message")?.StartsWith("Progressing again", StringComparison.Ordinal) == true),
            RolloutScenario.Deadline, "a Normal event saying the step progresses again");
        var again = (await s.EventsOfAsync("myapp")).Where(e => Objects.Str(e, "message")?.StartsWith("Progressing again", StringComparison.Ordinal) == true).ToList();
        Assert.Equal("Normal", Objects.Str(Assert.Single(again), "type"));
        // Without a router the canary's share is its part of the ready pods: the words say so, and name the plugin's command.
        var message = Objects.Str(paused, "status", "message")!;
        Assert.Contains("1/3 ready pods (~33% of requests by replica ratio)", message, StringComparison.Ordinal);
        Assert.Contains($"`kubectl canaria promote myapp -n {s.Namespace}`", message, StringComparison.Ordinal);
        await s.WaitForEventAsync("myapp", "TrafficShifted");
        var shifted = Assert.Single(await s.EventsOfAsync("myapp", "Normal", "TrafficShifted"));
        Assert.Contains("by replica ratio", Objects.Str(shifted, "message"), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmed by the router", Objects.Str(shifted, "message"), StringComparison.Ordinal);
        var get = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "get", "myapp", "-n", s.Namespace);
        Assert.Contains("33% (replica ratio)", get.Prose, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingVirtualService_AtRest_NotVerifiedWarningOnceThenHandedBackWhenCreated_DeleteEndsQuietly()
    {
        await TestCrds.InstallAllAsync(cluster.Client);
        await using var s = await RolloutScenario.StartAsync(cluster, "novs", options: Fast);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1", maxSurge: 2), ready: 2);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("myapp"))).ValueOrThrow();
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() });
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        rollout["spec"]!["trafficRouting"] = new JsonObject { ["istio"] = new JsonObject { ["virtualService"] = new JsonObject { ["name"] = "nope" } } };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();

        var missing = await s.WaitForConditionAsync("myapp", "TrafficRouted", "False", "RouterObjectNotFound");
        Assert.Contains("istio: VirtualService nope not found", Objects.Str(RolloutScenario.Condition(missing, "TrafficRouted"), "message"), StringComparison.Ordinal);
        var router = Assert.Single(missing["status"]!["trafficRouting"]!["routers"]!.AsArray())!;
        Assert.False((bool?)router["verified"]); // verified means read and holding the split: a missing object never is
        var seen = s.Controller.Reconciles;
        await Eventually.WaitAsync(() => s.Controller.Reconciles > seen + 5, RolloutScenario.Deadline, "five more reconciles (the missing object is looked for again)");
        await s.WaitForEventAsync("myapp", "RouterObjectNotFound");
        AssertOnce(await s.EventsOfAsync("myapp", "Warning", "RouterObjectNotFound"), "VirtualService nope not found");
        var get = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "get", "myapp", "-n", s.Namespace);
        Assert.Contains("attention: TrafficRouted RouterObjectNotFound: istio: VirtualService nope not found", get.Prose, StringComparison.Ordinal);

        var vs = Routed.DataPlanes.VirtualService();
        vs["metadata"]!["name"] = "nope";
        (await s.Client.CreateAsync(Routed.DataPlanes.VirtualServices, s.Namespace, vs)).ValueOrThrow();

        var found = await s.WaitForConditionAsync("myapp", "TrafficRouted", "True", "HandedBack");
        Assert.True((bool?)found["status"]!["trafficRouting"]!["routers"]![0]!["verified"]);
        await s.WaitForEventAsync("myapp", "HandedBack");
        AssertOnce(await s.EventsOfAsync("myapp", "Normal", "HandedBack"), "TrafficRouted again");

        // A deleted Rollout ends quietly: no reconcile of it is logged as failed (e.g. a 404 from its last status write).
        (await s.Client.DeleteAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        await Eventually.WaitAsync(async () => (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).Error is { IsNotFound: true },
            RolloutScenario.Deadline, "the Rollout to be gone");
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("next", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("next", r => Objects.Str(r, "status", "phase") == "Healthy", "another Rollout to take the Deployment over (the controller went on)");
        Assert.True(s.Log.CountContaining($"rollout {s.Namespace}/myapp failed") == 0, s.Log.Tail());
    }

    /// <summary>One Event object (count 1) whose message holds <paramref name="text"/>.</summary>
    internal static void AssertOnce(IReadOnlyList<JsonObject> events, string text)
    {
        var e = Assert.Single(events);
        Assert.Contains(text, Objects.Str(e, "message"), StringComparison.Ordinal);
        Assert.Equal(1, Objects.Int(e, "count"));
    }
}
