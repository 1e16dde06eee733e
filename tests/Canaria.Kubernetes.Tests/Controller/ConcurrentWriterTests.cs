using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Xunit.Abstractions;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// Another writer (a GitOps tool, kubectl label) updates the Rollout and the Deployment as fast as it can while the
/// controller releases: the controller's conditional writes get 409 Conflict, it reads again and retries, and neither
/// side's changes are lost.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ConcurrentWriterTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private const string Key = "example.com/writer";

    [Fact]
    public async Task Release_WhileAnotherWriterUpdatesRolloutAndDeployment_ControllerRetriesAndNothingIsLost()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "conflict");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 3, "app:v1", maxSurge: 1), ready: 3);
        var rollout = RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() },
            new JsonObject { ["replicas"] = 2, ["pause"] = new JsonObject { ["duration"] = "1s" } });
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1");

        // The other writer has its own client (its own rate limit) and writes with GET + PUT, retrying its own conflicts.
        using var writer = new KubeClient(cluster.Config with { Qps = 400, Burst = 400 });
        using var stop = new CancellationTokenSource();
        var rolloutWrites = WriteLoopAsync(writer, RolloutResource.Rollouts, s.Namespace, stop.Token);
        var deploymentWrites = WriteLoopAsync(writer, KubeResource.Deployments, s.Namespace, stop.Token);

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "step") == "step 1/2", "step 1 paused");
        await s.CommandAsync("myapp", "promote 1"); // a command written in the middle of the other writer's updates
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null
            && Objects.Str(r, "status", "commandApplied") == "promote 1", "the release to complete");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 3 }, "all pods v2");

        await stop.CancelAsync();
        var lastRollout = await rolloutWrites;
        var lastDeployment = await deploymentWrites;
        Assert.True(lastRollout > 0 && lastDeployment > 0, $"the writer wrote the Rollout {lastRollout} and the Deployment {lastDeployment} times");
        var conflicts = s.Log.CountContaining("409 Conflict");
        output.WriteLine($"{lastRollout} Rollout and {lastDeployment} Deployment writes by the other writer; {conflicts} conflicts met by the controller");
        Assert.True(conflicts > 0, $"the controller never met a conflict ({lastRollout} concurrent Rollout writes): the test proved nothing\n{s.Log.Tail()}");

        var r = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(lastRollout.ToString(CultureInfo.InvariantCulture), Objects.Str(r, "metadata", "labels", Key));
        Assert.Equal(lastRollout.ToString(CultureInfo.InvariantCulture), Objects.Str(r, "metadata", "annotations", Key));
        Assert.Equal("promote 1", Objects.Str(r, "metadata", "annotations", RolloutCommandAnnotation.Name));
        Assert.Contains(RolloutFinalizer.Name, r["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        var d = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(lastDeployment.ToString(CultureInfo.InvariantCulture), Objects.Str(d, "metadata", "annotations", Key));
        Assert.True(d["spec"]?["paused"]?.GetValue<bool>() == true, "the controller's spec.paused was lost");
        Assert.Equal("app:v2", (string?)d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    /// <summary>Sets a label and an annotation to a counter, write after write, until stopped; returns the last value written.</summary>
    private static async Task<int> WriteLoopAsync(KubeClient writer, KubeResource resource, string ns, CancellationToken stop)
    {
        var written = 0;
        while (!stop.IsCancellationRequested)
        {
            var next = written + 1;
            var value = next.ToString(CultureInfo.InvariantCulture);
            var result = await writer.UpdateWithRetryAsync(resource, ns, "myapp", o =>
            {
                var meta = (JsonObject)o["metadata"]!;
                meta["labels"] ??= new JsonObject();
                meta["annotations"] ??= new JsonObject();
                meta["labels"]![Key] = value;
                meta["annotations"]![Key] = value;
                return true;
            }, cancellationToken: CancellationToken.None); // a write under way finishes, so "last written" is exact
            if (result.IsSuccess) written = next;
            else if (!result.Error!.IsConflict) throw new InvalidOperationException($"the other writer failed: {result.Error}");
        }
        return written;
    }
}
