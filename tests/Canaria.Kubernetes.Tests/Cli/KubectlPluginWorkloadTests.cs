using Canaria.Kubernetes.Client;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>`kubectl canaria set image`, `restart` and `get --watch` through the real kubectl v1.35.2 (the watch runs kubectl-canaria as kubectl starts it).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class KubectlPluginWorkloadTests(ControlPlaneFixture cluster)
{
    private Task<CliRun> KubectlAsync(params string[] args) => KubeTools.RunAsync(KubeTools.Kubectl, cluster.KubeconfigPath, CanariaCli.Directory, args);

    private static async Task<RolloutScenario> HealthyAsync(ControlPlaneFixture cluster, string prefix, int replicas)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", replicas, "app:v2"), ready: replicas);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && Objects.Int(r, "status", "stableRevision") == 1, "v2 adopted as stable");
        return s;
    }

    private static async Task WaitForLineAsync(CliStream watch, Func<string, bool> line, string what) =>
        await Eventually.WaitAsync(() =>
        {
            Assert.False(watch.HasExited, "get --watch exited: " + string.Join('\n', watch.Lines));
            return watch.Lines.Any(line);
        }, RolloutScenario.Deadline, what + "; watch output so far:\n" + string.Join('\n', watch.Lines.TakeLast(20)));

    [Fact]
    public async Task SetImageThenGetWatch_NewImage_ReleaseStartsAndTheTreeShowsEachRevisionsReadyOverDesired()
    {
        await using var s = await HealthyAsync(cluster, "plugin-setimage", 2);
        using var watch = CanariaCli.Start(CanariaCli.KubectlPlugin, cluster.KubeconfigPath, "get", "myapp", "--watch", "-n", s.Namespace);
        await WaitForLineAsync(watch, l => l.Contains("revision 1 (stable)", StringComparison.Ordinal) && l.Contains("app:v2  ready 2/2", StringComparison.Ordinal),
            "revision 1 with 2/2 ready");
        await WaitForLineAsync(watch, l => l.Trim().StartsWith("pod myapp-", StringComparison.Ordinal) && l.EndsWith("Running  ready", StringComparison.Ordinal), "a ready pod under it");

        var set = await KubectlAsync("canaria", "set", "image", "myapp", "app=app:v3", "-n", s.Namespace);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("container app image app:v2 → app:v3", set.Stdout, StringComparison.Ordinal);
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Int(r, "status", "canaryRevision") == 2, "v3 released to step 1");
        await WaitForLineAsync(watch, l => l.Contains("revision 2 (canary)", StringComparison.Ordinal) && l.Contains("app:v3  ready 1/1", StringComparison.Ordinal),
            "revision 2 as canary with 1/1 ready");

        var unknown = await KubectlAsync("canaria", "set", "image", "myapp", "sidecar=x:1", "-n", s.Namespace);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("has no container 'sidecar' (its containers: app); nothing changed", unknown.Stderr, StringComparison.Ordinal);
        var malformed = await KubectlAsync("canaria", "set", "image", "myapp", "app:v4", "-n", s.Namespace);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("expected CONTAINER=IMAGE", malformed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_HealthyRolloutOfThreePods_EveryPodReplacedNeverBelowTwoReadySameRevision()
    {
        await using var s = await HealthyAsync(cluster, "plugin-restart", 3);
        var before = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items.Select(p => (string)p["metadata"]!["uid"]!).ToHashSet();
        var rsName = Objects.Str((await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow(), "status", "stableReplicaSet")!;
        var minReady = int.MaxValue;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var rs = await s.Client.GetAsync(KubeResource.ReplicaSets, s.Namespace, rsName);
                if (rs.IsSuccess) minReady = Math.Min(minReady, (int)Objects.Int(rs.Value, "status", "readyReplicas"));
                await Task.Delay(20);
            }
        });

        var restart = await KubectlAsync("canaria", "restart", "myapp", "-n", s.Namespace);
        await stop.CancelAsync();
        await sampler;

        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Contains("3 pod(s) restarted one at a time", restart.Stdout, StringComparison.Ordinal);
        var after = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items;
        Assert.Equal(3, after.Count(RolloutScenario.IsReady));
        Assert.DoesNotContain(after, p => before.Contains((string)p["metadata"]!["uid"]!));
        Assert.True(minReady >= 2, $"the stable ReplicaSet fell to {minReady} ready pods during the restart");
        var rollout = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal("Healthy", Objects.Str(rollout, "status", "phase"));
        Assert.Equal(1, Objects.Int(rollout, "status", "stableRevision"));
        Assert.Single(rollout["status"]!["revisions"]!.AsObject()); // no new revision, no release
    }

    [Fact]
    public async Task Restart_RevisionOfOnePod_RefusedWithoutAllowUnavailableAndNothingDeleted()
    {
        await using var s = await HealthyAsync(cluster, "plugin-restart-one", 1);
        var before = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items.Select(p => (string)p["metadata"]!["uid"]!).ToList();

        var refused = await KubectlAsync("canaria", "restart", "myapp", "-n", s.Namespace);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--allow-unavailable", refused.Stderr, StringComparison.Ordinal);
        var after = (await s.Client.ListAllAsync(KubeResource.Pods, s.Namespace)).ValueOrThrow().Items.Select(p => (string)p["metadata"]!["uid"]!).ToList();
        Assert.Equal(before, after);
    }
}
