using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>The built `kubectl-canaria` / `canaria` executables against a real API server and the Rollout controller (seed 000 through the CLI).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterCliTests(ControlPlaneFixture cluster)
{
    private static JsonObject ManualStep() => new() { ["replicas"] = 1, ["pause"] = new JsonObject() };

    private async Task<RolloutScenario> Seed000Async(string prefix, bool startController = true)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix, startController: startController);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", ManualStep()))).ValueOrThrow();
        if (startController) await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2 as stable");
        return s;
    }

    /// <summary>Polls `kubectl canaria status NAME -o json` until <paramref name="condition"/> holds; returns that output.</summary>
    private async Task<JsonNode> WaitForStatusAsync(RolloutScenario s, Func<JsonNode, bool> condition, string what)
    {
        JsonNode? last = null;
        try
        {
            await Eventually.WaitAsync(async () =>
            {
                last = (await CanariaCli.PluginAsync(cluster.KubeconfigPath, "status", "myapp", "-n", s.Namespace, "-o", "json")).Json();
                return condition(last);
            }, RolloutScenario.Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last CLI output: {last?.ToJsonString()}", e);
        }
        return last!;
    }

    private static int Ready(JsonNode status, string image) =>
        status["replicaSets"]!.AsArray().Where(rs => (string?)rs!["images"] == image).Sum(rs => (int)rs!["ready"]!);

    [Fact]
    public async Task Plugin_Seed000SetImagePromoteUndo_StatusShowsStepThenAllV3ThenAllV2()
    {
        await using var s = await Seed000Async("cli-seed000");
        var healthy = await WaitForStatusAsync(s, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 1, "Healthy at revision 1");
        Assert.Equal(2, Ready(healthy, "app:v2"));

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();

        var paused = await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && Ready(j, "app:v3") == 1 && Ready(j, "app:v2") == 2,
            "paused at step 1 with one ready v3 pod next to two v2 pods");
        Assert.Equal("step 1/1", (string?)paused["step"]);
        Assert.Equal(2, (int?)paused["canaryRevision"]);
        Assert.Equal("canary", (string?)paused["replicaSets"]!.AsArray().Single(rs => (string?)rs!["images"] == "app:v3")!["role"]);
        var text = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "status", "myapp", "-n", s.Namespace);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Paused", text.Stdout);
        Assert.Contains("step 1/1", text.Stdout);
        Assert.Matches(@"2\s+myapp-\w+\s+canary\s+app:v3\s+1/1", text.Stdout);

        var promote = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", s.Namespace);
        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.Contains("promote requested", promote.Stdout);
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v3"] = 2 }, "all pods v3");
        await WaitForStatusAsync(s, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 2, "Healthy with revision 2 (v3) stable");

        var history = (await CanariaCli.PluginAsync(cluster.KubeconfigPath, "history", "myapp", "-n", s.Namespace, "-o", "json")).Json().AsArray();
        Assert.Equal([1, 2], history.Select(h => (int)h!["revision"]!));
        Assert.Equal(["app:v2", "app:v3"], history.Select(h => (string?)h!["images"]));
        Assert.Equal("stable", (string?)history[1]!["role"]);
        var unknown = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "undo", "myapp", "--to-revision", "7", "-n", s.Namespace);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no revision 7; known revisions are 1, 2", unknown.Stderr);

        var undo = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "undo", "myapp", "--to-revision", "1", "-n", s.Namespace);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal("app:v2", (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Null(deployment["spec"]!["template"]!["metadata"]!["labels"]![PodTemplates.HashLabel]);
        var released = await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && (int?)j["canaryRevision"] == 1 && Ready(j, "app:v2") == 1,
            "revision 1 (v2) released again and paused at step 1 with one pod");
        Assert.Equal(2, (int?)released["stableRevision"]);
        var full = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "promote", "myapp", "--full", "-n", s.Namespace);
        Assert.True(full.ExitCode == 0, full.ToString());
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "all pods v2 again");
        await WaitForStatusAsync(s, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 1, "Healthy with revision 1 (v2) stable again");
    }

    [Fact]
    public async Task Operations_PauseResumeJumpAbortRetry_EachAppliedOrRefusedByTheController()
    {
        await using var s = await Seed000Async("cli-ops");
        using var watch = CanariaCli.Start(CanariaCli.KubectlPlugin, cluster.KubeconfigPath, "status", "myapp", "-n", s.Namespace, "--watch", "-o", "json");
        await Eventually.WaitAsync(() => watch.HasExited || watch.Lines.Count > 0, RolloutScenario.Deadline, "the first line of status --watch");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && Ready(j, "app:v3") == 1, "paused at step 1 with one v3 pod");
        async Task<CliRun> Op(params string[] args) => await CanariaCli.PluginAsync(cluster.KubeconfigPath, [.. args, "-n", s.Namespace]);

        var pause = await Op("pause", "myapp");
        var again = await Op("pause", "myapp");
        var resume = await Op("resume", "myapp");
        var jump = await Op("jump", "myapp", "1");
        var beyond = await Op("jump", "myapp", "5");
        var abort = await Op("abort", "myapp");
        var aborted = await WaitForStatusAsync(s, j => (string?)j["phase"] == "Aborted" && Ready(j, "app:v3") == 0, "aborted with the v3 pod gone");
        var retry = await Op("retry", "myapp");
        var retried = await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && Ready(j, "app:v3") == 1, "the release retried up to step 1 again");

        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Contains("paused by a human", pause.Stdout);
        // The controller's applied event carries the command's value, so each CLI reads its own answer, never another's.
        Assert.Contains(await s.EventsOfAsync("myapp"), e => Regex.IsMatch(Objects.Str(e, "message") ?? "", @"^pause \d+: .*paused by a human"));
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("refused 'pause': already paused", again.Stderr);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("resumed", resume.Stdout);
        Assert.True(jump.ExitCode == 0, jump.ToString());
        Assert.True(beyond.ExitCode == 1, beyond.ToString());
        Assert.Contains("step 5 does not exist (steps are 1 to 1)", beyond.Stderr);
        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.Equal(2, Ready(aborted, "app:v2"));
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal(2, (int?)retried["canaryRevision"]);
        await Eventually.WaitAsync(() => watch.Lines.Any(l => l.Contains("\"phase\":\"Paused\"", StringComparison.Ordinal) && l.Contains("\"canaryRevision\":2", StringComparison.Ordinal)),
            RolloutScenario.Deadline, "status --watch to have printed the retried release");
        // Every change as it happened, one JSON line each; "Progressing" shows up too when the v3 pod is slow to get ready (a loaded machine).
        var phases = watch.Lines.Select(l => (string?)JsonNode.Parse(l)!["phase"]).Where(p => p is not null and not "Progressing").Distinct().ToList();
        Assert.Equal(["Healthy", "Paused", "Aborted"], phases.Take(3));
    }

    [Fact]
    public async Task Undo_ToStableDuringRelease_CancelsTheReleaseAndRemovesTheCanary()
    {
        await using var s = await Seed000Async("cli-cancel");
        var noEarlier = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "undo", "myapp", "-n", s.Namespace);
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && Ready(j, "app:v3") == 1, "paused at step 1 with one v3 pod");

        var undo = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "undo", "myapp", "--to-revision", "1", "-n", s.Namespace);

        Assert.True(noEarlier.ExitCode == 2, noEarlier.ToString());
        Assert.Contains("has no revision before the stable revision 1 (known revisions: 1)", noEarlier.Stderr);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Contains("it is the stable revision, so the release in progress is cancelled", undo.Prose);
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "the v3 canary gone, two v2 pods");
        await WaitForStatusAsync(s, j => (int?)j["stableRevision"] == 1 && j["canaryRevision"] is null && (string?)j["phase"] == "Healthy",
            "the release cancelled (Healthy, not Aborted) with revision 1 stable");
        await s.WaitForEventAsync("myapp", "Cancelled");
    }

    [Fact]
    public async Task Undo_NoRevisionDuringRelease_GoesBackToStableAsKubectlRolloutUndoDoes()
    {
        await using var s = await Seed000Async("cli-undo-default");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await WaitForStatusAsync(s, j => (string?)j["phase"] == "Paused" && Ready(j, "app:v3") == 1, "paused at step 1 with one v3 pod");

        var undo = await CanariaCli.PluginAsync(cluster.KubeconfigPath, "undo", "myapp", "-n", s.Namespace);

        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Contains("template set to revision 1 (app:v2); it is the stable revision, so the release in progress is cancelled", undo.Prose);
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "the v3 canary gone, two v2 pods");
    }

    [Fact]
    public async Task Promote_NoReleaseInProgress_ExitsOneWithTheControllersReason()
    {
        await using var s = await Seed000Async("cli-refused");

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", s.Namespace);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("refused 'promote': no release is in progress", run.Stderr);
        var rollout = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.StartsWith("promote ", Objects.Str(rollout, "status", "commandApplied"));
        Assert.Equal("Healthy", Objects.Str(rollout, "status", "phase"));
    }

    [Fact]
    public async Task Status_MissingRollout_ExitsFourNamingTheNamespace()
    {
        var ns = await cluster.CreateNamespaceAsync("cli-missing");
        await RolloutCrd.InstallAsync(cluster.Client);

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "status", "nope", "-n", ns);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"Rollout nope not found in namespace {ns}", run.Stderr);
    }
}
