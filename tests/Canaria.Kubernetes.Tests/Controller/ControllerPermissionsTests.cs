using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Cli;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// A controller whose account lacks a permission it needs says which one and stops, instead of waiting for ever for a
/// cache that cannot sync. Real ServiceAccounts with a Role made from deploy/rbac.yaml's ClusterRole (with and without
/// list/watch on Services); the kube-apiserver's RBAC answers the reviews.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ControllerPermissionsTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task MissingAsync_RoleOfDeployRbac_NothingMissing()
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync("perm-all");
        var kubeconfig = await ServiceAccountKubeconfig.CreateAsync(cluster, ns, "canaria-controller", DeployRules(dropServiceListWatch: false));
        using var client = new KubeClient(KubeConfigSource.LoadFile(kubeconfig).Config!);

        var (missing, error) = await ControllerPermissions.MissingAsync(client, ns, ns, CancellationToken.None);

        Assert.Null(error);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task ControllerCommand_AccountWithoutServiceListWatch_ExitsNamingThePermissions()
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync("perm-svc");
        var kubeconfig = await ServiceAccountKubeconfig.CreateAsync(cluster, ns, "canaria-controller", DeployRules(dropServiceListWatch: true));

        // Before the check, this command waited for ever (its Service cache never synced); the run would time out.
        var run = await CanariaCli.CanariaAsync(kubeconfig, "controller", "--namespace", ns, "--lease-namespace", ns);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"list services (namespace {ns})", run.All, StringComparison.Ordinal);
        Assert.Contains($"watch services (namespace {ns})", run.All, StringComparison.Ordinal);
        Assert.Contains("lacks 2 permission(s)", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for the Lease", run.All, StringComparison.Ordinal);
    }

    /// <summary>deploy/rbac.yaml's ClusterRole rules, optionally without list and watch on Services.</summary>
    private static JsonArray DeployRules(bool dropServiceListWatch)
    {
        var text = File.ReadAllText(Path.Combine(ControlPlaneFixture.RepositoryRoot(), "deploy", "rbac.yaml"));
        var role = YamlJson.ParseAll(text).OfType<JsonObject>().Single(m => (string?)m["kind"] == "ClusterRole");
        var rules = (JsonArray)role["rules"]!.DeepClone();
        if (!dropServiceListWatch) return rules;
        var services = rules.OfType<JsonObject>().Single(r => r["resources"]!.AsArray().Any(x => (string?)x == "services"));
        var verbs = services["verbs"]!.AsArray();
        foreach (var v in verbs.Where(v => (string?)v is "list" or "watch").ToList()) verbs.Remove(v);
        Assert.Equal(4, verbs.Count); // get, create, patch, delete stay
        return rules;
    }
}
