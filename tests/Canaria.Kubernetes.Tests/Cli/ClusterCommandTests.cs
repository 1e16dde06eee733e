using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// How an operation (`canaria promote` and the others, cluster mode) writes its command and reads the answer when the
/// API fails for a moment, when another operator's command is pending or written meanwhile, and when the controller
/// would apply nothing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterCommandTests(ControlPlaneFixture cluster)
{
    private static readonly string RolloutPath = "/rollouts/myapp";

    /// <summary>A namespace with Rollout myapp and no controller: commands stay pending.</summary>
    private async Task<string> NoControllerAsync(string prefix)
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        (await cluster.Client.CreateAsync(RolloutResource.Rollouts, ns, RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1 }))).ValueOrThrow();
        return ns;
    }

    private async Task AnnotateAsync(string ns, string value) =>
        (await cluster.Client.PatchAsync(RolloutResource.Rollouts, ns, "myapp", PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RolloutCommandAnnotation.Name] = value } } })).ValueOrThrow();

    private async Task<string?> AnnotationAsync(string ns) =>
        Objects.Str((await cluster.Client.GetAsync(RolloutResource.Rollouts, ns, "myapp")).ValueOrThrow(), "metadata", "annotations", RolloutCommandAnnotation.Name);

    [Fact]
    public async Task Promote_ReadsAndEventListsFailAfterTheWrite_RetriesAndReportsApplied()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "cli-flaky");
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v2 adopted as stable");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "paused at step 1");
        var written = 0;
        var failedGets = 0;
        await using var proxy = await FaultyApiProxy.StartAsync(cluster.Config, (method, path) =>
        {
            if (method == "PATCH") Interlocked.Exchange(ref written, 1);
            if (Volatile.Read(ref written) == 0 || method != "GET") return Task.FromResult<int?>(null);
            if (path.EndsWith("/events", StringComparison.Ordinal)) return Task.FromResult<int?>(503); // the answer cannot be read at all
            return Task.FromResult(path.EndsWith(RolloutPath, StringComparison.Ordinal) && Interlocked.Increment(ref failedGets) <= 3 ? 503 : (int?)null);
        });

        var run = await CanariaCli.CanariaAsync(proxy.KubeconfigPath, "promote", "myapp", "-n", s.Namespace);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("myapp: promote applied", run.Stdout); // judged by the state the controller stored
        Assert.True(failedGets > 3, $"only {failedGets} reads of the Rollout after the write");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v3"] = 2 }, "all pods v3 after one promote");
    }

    [Fact]
    public async Task Promote_AnotherCommandPending_ExitsOneNamingItAndLeavesItInPlace()
    {
        var ns = await NoControllerAsync("cli-pending");
        await AnnotateAsync(ns, "pause 1");

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", ns, "--timeout", "2s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("has a pending command 'pause 1' that the controller has not applied yet, so 'promote ", run.Stderr);
        Assert.Equal("pause 1", await AnnotationAsync(ns));
    }

    [Fact]
    public async Task Promote_AnotherWriterBetweenReadAndWrite_RereadsAndDoesNotOverwriteIt()
    {
        var ns = await NoControllerAsync("cli-conflict");
        var interfered = 0;
        await using var proxy = await FaultyApiProxy.StartAsync(cluster.Config, async (method, path) =>
        {
            if (method == "PATCH" && Interlocked.Exchange(ref interfered, 1) == 0) await AnnotateAsync(ns, "abort 7"); // lands after the CLI's read
            return (int?)null;
        });

        var run = await CanariaCli.CanariaAsync(proxy.KubeconfigPath, "promote", "myapp", "-n", ns, "--timeout", "2s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("pending command 'abort 7'", run.Stderr);
        Assert.Equal("abort 7", await AnnotationAsync(ns));
    }

    [Fact]
    public async Task Promote_OverwrittenWhileWaiting_ExitsOneSupersededWithoutWaitingForTheTimeout()
    {
        var ns = await NoControllerAsync("cli-superseded");
        var run = CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", ns, "--timeout", "60s");
        await Eventually.WaitAsync(async () => (await AnnotationAsync(ns))?.StartsWith("promote ", StringComparison.Ordinal) == true, RolloutScenario.Deadline, "the CLI's promote annotation");

        await AnnotateAsync(ns, "abort 9");
        var result = await run;

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("was superseded by 'abort 9'", result.Stderr);
    }

    [Fact]
    public async Task Promote_DeploymentMissing_ExitsOneAndWritesNothing()
    {
        var ns = await NoControllerAsync("cli-nodeploy");
        (await cluster.Client.UpdateWithRetryAsync(RolloutResource.Rollouts, ns, "myapp", r =>
        {
            r["status"] = new JsonObject { ["phase"] = "Progressing", ["message"] = $"Deployment myapp not found in namespace {ns}" };
            return true;
        }, status: true)).ValueOrThrow();

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", ns, "--timeout", "30s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"Deployment myapp not found in namespace {ns}, so the controller applies no operation to it", run.Stderr);
        Assert.Null(await AnnotationAsync(ns));
    }

    [Fact]
    public async Task Promote_RolloutBeingDeleted_ExitsOneAndWritesNothing()
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync("cli-deleting");
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1 });
        rollout["metadata"]!["finalizers"] = new JsonArray("canaria.dev/test-hold"); // keeps it, with a deletionTimestamp, until removed
        (await cluster.Client.CreateAsync(RolloutResource.Rollouts, ns, rollout)).ValueOrThrow();
        (await cluster.Client.DeleteAsync(RolloutResource.Rollouts, ns, "myapp")).ValueOrThrow();
        try
        {
            var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", ns, "--timeout", "30s");

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("Rollout myapp is being deleted; no operation applies to it", run.Stderr);
            Assert.Null(await AnnotationAsync(ns));
        }
        finally
        {
            await cluster.Client.PatchAsync(RolloutResource.Rollouts, ns, "myapp", PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } });
        }
    }
}
