using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// `kubectl canaria ...` through the real kubectl v1.35.2: kubectl finds the built kubectl-canaria on the PATH and runs
/// it as a plugin; the release is started by `kubectl set image`, as a user starts it.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class KubectlPluginTests(ControlPlaneFixture cluster)
{
    private Task<CliRun> KubectlAsync(params string[] args) => KubeTools.RunAsync(KubeTools.Kubectl, cluster.KubeconfigPath, CanariaCli.Directory, args);

    [Fact]
    public async Task KubectlPluginList_CliOutputOnPath_FindsKubectlCanaria()
    {
        var run = await KubectlAsync("plugin", "list", "--name-only");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("kubectl-canaria", run.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task KubectlCanaria_SetImageStatusPromote_ReleaseCompletesAndExitCodesPassThrough()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "kubectl-plugin");
        await ReleaseToManualPauseAsync(s);

        var text = await KubectlAsync("canaria", "status", "myapp", "-n", s.Namespace);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("step 1/1", text.Stdout, StringComparison.Ordinal);
        var promote = await KubectlAsync("canaria", "promote", "myapp", "-n", s.Namespace);
        Assert.True(promote.ExitCode == 0, promote.ToString());
        await WaitForAsync(s.Namespace, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 2, "v3 stable after one promote");

        var missing = await KubectlAsync("canaria", "get", "nope", "-n", s.Namespace);
        Assert.True(missing.ExitCode == 4, missing.ToString()); // kubectl hands the plugin's exit code back
        Assert.Contains(s.Namespace, missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlCanariaResume_AtAStepsIndefinitePause_ReleaseContinuesAndMessagesNameKubectlCanaria()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "kubectl-resume");
        await ReleaseToManualPauseAsync(s);

        var resume = await KubectlAsync("canaria", "resume", "myapp", "-n", s.Namespace);

        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("resumed, the step's pause ends", resume.Stdout, StringComparison.Ordinal);
        await WaitForAsync(s.Namespace, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 2, "v3 stable after one resume");
        var unknown = await KubectlAsync("canaria", "undo", "myapp", "--to-revision", "9", "-n", s.Namespace);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("(see `kubectl canaria history myapp`)", unknown.Stderr, StringComparison.Ordinal);
        var direct = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "undo", "myapp", "--to-revision", "9", "-n", s.Namespace);
        Assert.Equal(2, direct.ExitCode);
        Assert.Contains("(see `canaria history myapp`)", direct.Stderr, StringComparison.Ordinal);
    }

    /// <summary>v2 adopted as stable, then `kubectl set image` to v3: the release waits at step 1's `pause: {}` (phase Paused).</summary>
    private async Task ReleaseToManualPauseAsync(RolloutScenario s)
    {
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp",
            new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
        await WaitForAsync(s.Namespace, j => (string?)j["phase"] == "Healthy" && (int?)j["stableRevision"] == 1, "v2 adopted as stable");
        var setImage = await KubectlAsync("set", "image", "deployment/myapp", "app=app:v3", "-n", s.Namespace);
        Assert.True(setImage.ExitCode == 0, setImage.ToString());
        await WaitForAsync(s.Namespace, j => (string?)j["phase"] == "Paused" && (int?)j["canaryRevision"] == 2, "paused at step 1 with v3 as canary");
    }

    private async Task WaitForAsync(string ns, Func<JsonNode, bool> condition, string what)
    {
        CliRun? last = null;
        try
        {
            await Eventually.WaitAsync(async () =>
            {
                last = await KubectlAsync("canaria", "status", "myapp", "-n", ns, "-o", "json");
                return last.ExitCode == 0 && condition(last.Json());
            }, RolloutScenario.Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last `kubectl canaria status`: {last}", e);
        }
    }
}
