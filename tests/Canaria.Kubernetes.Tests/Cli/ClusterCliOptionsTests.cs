using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>How the CLI picks the cluster, the namespace and the credentials, and how it reports what it cannot do.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterCliOptionsTests(ControlPlaneFixture cluster)
{
    private static readonly KubeResource ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount");
    private static readonly KubeResource Secrets = new("", "v1", "secrets", "Secret");

    private async Task<string> NamespaceWithRolloutAsync(string prefix, string rolloutName, string deployment)
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        (await cluster.Client.CreateAsync(RolloutResource.Rollouts, ns, RolloutObjects.Rollout(rolloutName, deployment, new JsonObject { ["replicas"] = 1 }))).ValueOrThrow();
        return ns;
    }

    [Fact]
    public async Task Get_NamespaceOption_ReadsOnlyThatNamespaceAndDefaultsToTheContexts()
    {
        var a = await NamespaceWithRolloutAsync("cli-ns-a", "myapp", "deploy-a");
        var b = await NamespaceWithRolloutAsync("cli-ns-b", "myapp", "deploy-b");
        var inDefault = "cli-default-" + Guid.NewGuid().ToString("N")[..6];
        (await cluster.Client.CreateAsync(RolloutResource.Rollouts, "default", RolloutObjects.Rollout(inDefault, "deploy-default", new JsonObject { ["replicas"] = 1 }))).ValueOrThrow();
        try
        {
            var listA = (await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "get", "-n", a, "-o", "json")).Json().AsArray();
            var inB = (await CanariaCli.PluginAsync(cluster.KubeconfigPath, "status", "myapp", "--namespace", b, "-o", "json")).Json();
            var listDefault = (await CanariaCli.PluginAsync(cluster.KubeconfigPath, "get", "-o", "json")).Json().AsArray();

            Assert.Equal("deploy-a", Objects.Str(Assert.Single(listA), "spec", "workloadRef", "name"));
            Assert.Equal(b, (string?)inB["namespace"]);
            Assert.Equal("deploy-b", Objects.Str(inB, "rollout", "spec", "workloadRef", "name"));
            Assert.Contains(listDefault, r => Objects.Str(r, "metadata", "name") == inDefault); // the kubeconfig's context names no namespace: default
            Assert.DoesNotContain(listDefault, r => Objects.Str(r, "metadata", "namespace") != "default");
        }
        finally
        {
            await cluster.Client.DeleteAsync(RolloutResource.Rollouts, "default", inDefault);
        }
    }

    [Fact]
    public async Task Pause_NoControllerRunning_ExitsThreeAfterTheTimeoutAndDeleteRemovesIt()
    {
        var ns = await NamespaceWithRolloutAsync("cli-nocontroller", "myapp", "myapp");

        var pause = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "pause", "myapp", "-n", ns, "--timeout", "2s");
        var delete = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "delete", "myapp", "-n", ns, "--timeout", "30s");

        Assert.True(pause.ExitCode == 3, pause.ToString());
        Assert.Contains($"'pause ", pause.Stderr);
        Assert.Contains($"written on Rollout myapp in namespace {ns}, but the controller did not apply it within 2s", pause.Stderr);
        Assert.Contains("The annotation stays and a controller applies it when it next sees the Rollout", pause.Stderr);
        Assert.Contains("to cancel it: kubectl annotate rollout myapp canaria.dev/command-", pause.Stderr);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.True((await cluster.Client.GetAsync(RolloutResource.Rollouts, ns, "myapp")).Error?.IsNotFound);
    }

    [Fact]
    public async Task Promote_InvalidRollout_ExitsOneWithTheSpecErrorAndWritesNothing()
    {
        var ns = await NamespaceWithRolloutAsync("cli-invalid", "myapp", "myapp");
        // What the controller stores for a spec it cannot use (no controller runs in this test).
        (await cluster.Client.UpdateWithRetryAsync(RolloutResource.Rollouts, ns, "myapp", r =>
        {
            r["status"] = new JsonObject { ["phase"] = "Invalid", ["message"] = "spec.strategy.canary.steps[0].traffic: 140% is more than 100%" };
            return true;
        }, status: true)).ValueOrThrow();

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "promote", "myapp", "-n", ns);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Rollout myapp is Invalid, so the controller applies no operation to it: spec.strategy.canary.steps[0].traffic: 140% is more than 100%", run.Stderr);
        var rollout = (await cluster.Client.GetAsync(RolloutResource.Rollouts, ns, "myapp")).ValueOrThrow();
        Assert.Null(rollout["metadata"]!["annotations"]?[RolloutCommandAnnotation.Name]);
    }

    [Fact]
    public async Task Get_UserWithoutRbac_ExitsOneNamingVerbAndResource()
    {
        var ns = await NamespaceWithRolloutAsync("cli-forbidden", "myapp", "myapp");
        (await cluster.Client.CreateAsync(ServiceAccounts, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "nobody" } })).ValueOrThrow();
        string? token = null;
        await Eventually.WaitAsync(async () =>
        {
            var secret = (string?)(await cluster.Client.GetAsync(ServiceAccounts, ns, "nobody")).Value?["secrets"]?[0]?["name"];
            var data = secret is null ? null : (string?)(await cluster.Client.GetAsync(Secrets, ns, secret)).Value?["data"]?["token"];
            token = data is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(data));
            return token is not null;
        }, RolloutScenario.Deadline, "the service account's token");
        var kubeconfig = Path.Combine(cluster.Directory, $"kubeconfig-nobody-{ns}");
        await File.WriteAllTextAsync(kubeconfig, Regex.Replace(await File.ReadAllTextAsync(cluster.KubeconfigPath), @"token: \S+", "token: " + token));

        var run = await CanariaCli.CanariaAsync(kubeconfig, "get", "myapp", "-n", ns);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"forbidden: the kubeconfig's user may not get rollouts.canaria.dev in namespace {ns}", run.Stderr);
    }

    [Fact]
    public async Task Get_NoKubeconfig_ExitsThreeSayingSo()
    {
        var missing = await CanariaCli.CanariaAsync(Path.Combine(cluster.Directory, "no-such-kubeconfig"), "get", "myapp");
        var pluginWithout = await CanariaCli.RunAsync(CanariaCli.KubectlPlugin, null, "get", "myapp");

        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.Contains("no usable kubeconfig", missing.Stderr);
        Assert.Contains("no-such-kubeconfig", missing.Stderr);
        Assert.True(pluginWithout.ExitCode == 3, pluginWithout.ToString()); // as kubectl-canaria it is cluster mode without being told
        Assert.Contains("no usable kubeconfig", pluginWithout.Stderr);
    }

    [Fact]
    public async Task Get_CanariaWithoutClusterOptions_StaysLocal()
    {
        var run = await CanariaCli.RunAsync(CanariaCli.Canaria, cluster.KubeconfigPath, "get", "myapp");

        Assert.True(run.ExitCode == 3, run.ToString()); // KUBECONFIG alone does not switch `canaria` to the cluster
        Assert.Contains("no controller is running for the state directory", run.Stderr);
    }

    [Fact]
    public async Task Get_KubeconfigListWithExecUser_MergesTheFilesAndAuthenticatesThroughThePlugin()
    {
        var ns = await NamespaceWithRolloutAsync("cli-exec", "myapp", "deploy-exec");
        using var bed = new ExecPluginBed(cluster);
        bed.WriteTokenPlugin("client.authentication.k8s.io/v1");
        // The first file defines the cluster, the exec user and the context; only the second sets current-context.
        var first = Path.Combine(bed.Directory, "clusters.yaml");
        var second = Path.Combine(bed.Directory, "current.yaml");
        File.WriteAllText(first, bed.Kubeconfig("client.authentication.k8s.io/v1").Replace("current-context: test", "", StringComparison.Ordinal));
        File.WriteAllText(second, "apiVersion: v1\nkind: Config\ncurrent-context: test\n");

        var run = await CanariaCli.RunAsync(CanariaCli.KubectlPlugin, first + Path.PathSeparator + second, "get", "-n", ns, "-o", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("deploy-exec", Objects.Str(Assert.Single(run.Json().AsArray()), "spec", "workloadRef", "name"));
        Assert.True(bed.Runs >= 1, "the exec user's plugin ran");
    }

    [Fact]
    public async Task Get_SymlinkNamedKubectlCanaria_RunsInClusterMode()
    {
        // How krew installs a plugin: a symlink named kubectl-canaria to the executable (here the built `canaria`).
        var bin = Directory.CreateTempSubdirectory("canaria-krew-").FullName;
        var link = Path.Combine(bin, "kubectl-canaria");
        File.CreateSymbolicLink(link, CanariaCli.Canaria);

        var run = await CanariaCli.RunAsync(link, null, "get", "myapp");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("no usable kubeconfig", run.Stderr); // cluster mode, not "no controller is running for the state directory"
    }
}
