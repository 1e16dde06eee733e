using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Cli;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>
/// `helm install`, `upgrade` and `uninstall` of deploy/helm/canaria (real helm v4.1.4, objects read with real kubectl
/// v1.35.2). This class has its OWN control plane: the release's ClusterRole and binding are cluster-wide objects
/// that the plain-manifest tests create too, and uninstall deletes them.
/// </summary>
public sealed class HelmReleaseTests : IAsyncLifetime
{
    private const string Ns = "canaria-system";
    private readonly ControlPlaneFixture _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task HelmInstallUpgradeUninstall_TestControlPlane_ObjectsFollowTheReleaseAndTheCrdAndRolloutsStay()
    {
        var install = await HelmAsync("install", "canaria", HelmChartTests.ChartPath, "--namespace", Ns, "--create-namespace");
        Assert.Contains("STATUS: deployed", install.Stdout, StringComparison.Ordinal);

        var deployment = await GetAsync("deployment", "canaria-controller", Ns);
        Assert.Equal(2, (int?)deployment["spec"]!["replicas"]);
        Assert.Equal("Helm", (string?)deployment["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal("canaria-controller", (string?)deployment["spec"]!["template"]!["spec"]!["serviceAccountName"]);
        await GetAsync("serviceaccount", "canaria-controller", Ns);
        await GetAsync("customresourcedefinition", "rollouts.canaria.dev", null);
        // The API server's authorizer, asked by kubectl, grants the release's service account what the controller needs.
        var account = $"system:serviceaccount:{Ns}:canaria-controller";
        Assert.Equal("yes", await CanIAsync(account, "watch", "rollouts.canaria.dev", "--all-namespaces"));
        Assert.Equal("yes", await CanIAsync(account, "update", "leases.coordination.k8s.io", "-n", Ns));
        Assert.Equal("no", await CanIAsync(account, "delete", "pods", "-n", "default"));

        // A Rollout of a user's, created while the release is installed.
        var rollout = Path.Combine(_cluster.Directory, "rollout.yaml");
        await File.WriteAllTextAsync(rollout, """
            apiVersion: canaria.dev/v1alpha1
            kind: Rollout
            metadata: {name: myapp, namespace: default}
            spec:
              workloadRef: {apiVersion: apps/v1, kind: Deployment, name: myapp}
              strategy: {canary: {steps: [{traffic: 50, pause: {}}]}}
            """);
        await KubectlAsync("apply", "-f", rollout);

        var upgrade = await HelmAsync("upgrade", "canaria", HelmChartTests.ChartPath, "--namespace", Ns, "--set", "replicas=3", "--set", "watchNamespace=apps");
        Assert.Contains("REVISION: 2", upgrade.Stdout, StringComparison.Ordinal);
        deployment = await GetAsync("deployment", "canaria-controller", Ns);
        Assert.Equal(3, (int?)deployment["spec"]!["replicas"]);
        Assert.Equal(["controller", "--lease-namespace", Ns, "--namespace", "apps"],
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));

        await HelmAsync("uninstall", "canaria", "--namespace", Ns, "--wait", "--timeout", "90s");

        Assert.Contains("NotFound", (await KubectlRunAsync("get", "deployment", "canaria-controller", "-n", Ns)).Stderr, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await KubectlRunAsync("get", "clusterrole", "canaria-controller")).Stderr, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await KubectlRunAsync("get", "serviceaccount", "canaria-controller", "-n", Ns)).Stderr, StringComparison.Ordinal);
        await GetAsync("customresourcedefinition", "rollouts.canaria.dev", null); // kept (helm.sh/resource-policy: keep) ...
        Assert.Equal("myapp", (string?)(await GetAsync("rollout", "myapp", "default"))["metadata"]!["name"]); // ... and with it the users' Rollouts
    }

    private async Task<CliRun> HelmAsync(params string[] args)
    {
        var run = await KubeTools.RunAsync(KubeTools.Helm, _cluster.KubeconfigPath, null, args);
        Assert.True(run.ExitCode == 0, $"helm {string.Join(' ', args)}: {run}");
        return run;
    }

    private Task<CliRun> KubectlRunAsync(params string[] args) => KubeTools.RunAsync(KubeTools.Kubectl, _cluster.KubeconfigPath, null, args);

    private async Task KubectlAsync(params string[] args)
    {
        var run = await KubectlRunAsync(args);
        Assert.True(run.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {run}");
    }

    private async Task<JsonObject> GetAsync(string kind, string name, string? ns)
    {
        var run = await KubectlRunAsync(ns is null ? ["get", kind, name, "-o", "json"] : ["get", kind, name, "-n", ns, "-o", "json"]);
        Assert.True(run.ExitCode == 0, $"kubectl get {kind} {name}: {run}");
        return (JsonObject)JsonNode.Parse(run.Stdout)!;
    }

    private async Task<string> CanIAsync(string user, string verb, string resource, params string[] scope)
    {
        var run = await KubectlRunAsync(["auth", "can-i", verb, resource, "--as", user, .. scope]);
        return run.Stdout.Trim(); // exit 1 with "no" is an answer, not a failure
    }
}
