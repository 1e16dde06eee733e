using System.Diagnostics;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// The controller is level-triggered on watch events and timers, not polling: with the polling and resync intervals
/// set to an hour, a rollout still moves the moment what it waits for changes, a timed pause still ends on time, and
/// a rollout that waits (or is done) costs no API request.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class EventDrivenWakeupTests(ControlPlaneFixture cluster)
{
    private static readonly KubeControllerOptions NoPolling = new()
    {
        ProgressInterval = TimeSpan.FromHours(1),
        ResyncInterval = TimeSpan.FromHours(1),
        RetryInterval = TimeSpan.FromMilliseconds(500),
    };

    private static readonly JsonObject ManualStep = new() { ["replicas"] = 1, ["pause"] = new JsonObject() };

    [Fact]
    public async Task SetImage_CanaryPodBecomesReady_ReplicaSetEventMovesTheRolloutWithoutATimer()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "wake-rs",
            holdUnready: p => Image(p) == "app:v2", options: NoPolling);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualStep.DeepClone()))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v1 stable");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "canaria", "stepState") == "upgrading", "the step waiting for its canary pod");
        JsonObject? canaryPod = null;
        await Eventually.WaitAsync(() => (canaryPod = s.Node.Pods.FirstOrDefault(p => Image(p) == "app:v2")) is not null,
            RolloutScenario.Deadline, "the canary pod");
        var reconciles = s.Controller.Reconciles;

        await s.Node.MarkReadyAsync(s.Namespace, Objects.Str(canaryPod, "metadata", "name")!);

        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "the step's pause once its canary pod is ready");
        Assert.Equal(33, Objects.Int(paused, "status", "weight"));
        Assert.True(s.Controller.Reconciles > reconciles);
    }

    [Fact]
    public async Task TimedPause_NothingElseChanges_EndsOnTimeByItsOwnTimer()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "wake-pause", options: NoPolling);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        var step = new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject { ["duration"] = "4s" } };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", step, (JsonObject)ManualStep.DeepClone()))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v1 stable");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        var pausing = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "canaria", "stepState") == "paused"
            && Objects.Int(r, "status", "canaria", "stepIndex") == 0, "the timed pause of step 1");
        var since = DateTimeOffset.Parse(Objects.Str(pausing, "status", "canaria", "stateSince")!, System.Globalization.CultureInfo.InvariantCulture);

        var next = await s.WaitForRolloutAsync("myapp", r => Objects.Int(r, "status", "canaria", "stepIndex") == 1, "step 2 after the 4 s pause");
        var ended = DateTimeOffset.Parse(Objects.Str(next, "status", "canaria", "stepStartedAt")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((ended - since).TotalSeconds, 4, 14); // on time: not before, and not a resync (an hour) later
    }

    [Fact]
    public async Task IdleRollouts_HealthyAndPausedAtAStep_NoApiRequestOverAWindow()
    {
        var counter = new RequestCounter();
        await using var s = await RolloutScenario.StartAsync(cluster, "wake-idle",
            controllerClient: _ => Task.FromResult(new KubeClient(cluster.Config, handler: counter)),
            options: new KubeControllerOptions { ProgressInterval = TimeSpan.FromMilliseconds(200), RetryInterval = TimeSpan.FromMilliseconds(500) });
        foreach (var name in new[] { "done", "waiting" })
        {
            await s.CreateDeploymentAsync(RolloutObjects.Deployment(name, 2, "app:v1"), ready: 2);
            (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service(name))).ValueOrThrow();
            var rollout = RolloutObjects.Rollout(name, name, (JsonObject)ManualStep.DeepClone());
            rollout["spec"]!["service"] = new JsonObject { ["name"] = name };
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
            await s.WaitForRolloutAsync(name, r => Objects.Str(r, "status", "phase") == "Healthy", $"{name} v1 stable");
        }
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "waiting", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("waiting", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Int(r, "status", "weight") == 33, "waiting paused at its step");
        await s.WaitForAsync(KubeResource.Services, "waiting-canary", _ => true, "the canary Service of the paused release");
        var quiet = Stopwatch.StartNew();
        var last = counter.Count;
        await Eventually.WaitAsync(() =>
        {
            if (counter.Count != last)
            {
                last = counter.Count;
                quiet.Restart();
            }
            return quiet.Elapsed > TimeSpan.FromSeconds(2);
        }, RolloutScenario.Deadline, "the last writes of the release to settle");

        var before = counter.Count;
        await Task.Delay(TimeSpan.FromSeconds(10)); // the window: 50 polling intervals of the old controller

        Assert.True(counter.Count == before, "requests while idle: " + string.Join(", ", counter.Requests.Skip(before)));
    }

    private static string? Image(JsonObject pod) => (string?)pod["spec"]?["containers"]?[0]?["image"];
}
