using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>kubectl's own rollout verbs on a Deployment a Rollout releases, through the real kubectl v1.35.2.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class KubectlRolloutVerbsTests(ControlPlaneFixture cluster)
{
    private Task<CliRun> KubectlAsync(params string[] args) => KubeTools.RunAsync(KubeTools.Kubectl, cluster.KubeconfigPath, CanariaCli.Directory, args);

    /// <summary>v1 stable with 2 pods, v2 released to a manual step of 1 pod.</summary>
    private static async Task<RolloutScenario> PausedCanaryAsync(ControlPlaneFixture cluster, string prefix)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v1 adopted as stable");
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused" && Objects.Str(r, "status", "step") == "step 1/1", "paused at the step");
        return s;
    }

    [Fact]
    public async Task KubectlGetRollouts_DuringACanary_StableAndCanaryColumnsShowReadyOfDesiredPods()
    {
        await using var s = await PausedCanaryAsync(cluster, "kubectl-columns");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "canaryPods") == "1/1", "the canary's pod ready in status");

        var got = await KubectlAsync("get", "rollouts", "-n", s.Namespace);

        Assert.True(got.ExitCode == 0, got.ToString());
        var lines = got.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var row = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "PHASE", "STEP"], header[..3]);
        Assert.Equal("2/2", row[Array.IndexOf(header, "STABLE") + 1]); // STEP "step 1/1" is two words
        Assert.Equal("1/1", row[Array.IndexOf(header, "CANARY") + 1]);
        var plugin = await KubectlAsync("canaria", "get", "-n", s.Namespace);
        Assert.True(plugin.ExitCode == 0, plugin.ToString());
        Assert.Contains("(2/2)", plugin.Stdout); // revision and pods, "1 (2/2)", in a cell the table may wrap
        Assert.Contains("(1/1)", plugin.Stdout);
        var json = (await KubectlAsync("canaria", "get", "myapp", "-o", "json", "-n", s.Namespace)).Json();
        Assert.Equal(("2/2", "1/1"), ((string?)json["stablePods"], (string?)json["canaryPods"]));
    }

    [Fact]
    public async Task KubectlRolloutResume_DuringACanary_PausedAgainWithAWarningNamingCanariaCommandsOnRolloutAndDeployment()
    {
        await using var s = await PausedCanaryAsync(cluster, "kubectl-resume");

        var resumed = await KubectlAsync("rollout", "resume", "deployment/myapp", "-n", s.Namespace);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        await s.WaitForEventAsync("myapp", "DeploymentResumed");
        var onRollout = (await s.EventsOfAsync("myapp")).First(e => Objects.Str(e, "reason") == "DeploymentResumed");
        Assert.Equal("Warning", Objects.Str(onRollout, "type"));
        Assert.Contains("kubectl canaria promote myapp", Objects.Str(onRollout, "message"));
        Assert.Contains("kubectl canaria undo myapp", Objects.Str(onRollout, "message"));
        var described = await KubectlAsync("describe", "deployment/myapp", "-n", s.Namespace);
        Assert.Contains("DeploymentResumed", described.Stdout);
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() == true, "the Deployment paused again");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 1 }, "the canary as it was: stable whole, one canary pod");
        var still = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(("Paused", "step 1/1"), (Objects.Str(still, "status", "phase"), Objects.Str(still, "status", "step")));

        // `kubectl rollout undo` refuses by itself: a paused Deployment, or (kubectl looks for the previous revision first)
        // no history, when the Deployment holds only stable's ReplicaSet; the plugin's undo is the way back
        var undo = await KubectlAsync("rollout", "undo", "deployment/myapp", "-n", s.Namespace);
        Assert.NotEqual(0, undo.ExitCode);
        Assert.True(undo.All.Contains("paused", StringComparison.Ordinal) || undo.All.Contains("no rollout history", StringComparison.Ordinal), undo.ToString());
        var canariaUndo = await KubectlAsync("canaria", "undo", "myapp", "-n", s.Namespace);
        Assert.True(canariaUndo.ExitCode == 0, canariaUndo.ToString());
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null
            && Objects.Int(r, "status", "stableRevision") == 1, "the release undone, v1 stable");
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2 }, "v1 alone");
    }
}
