using System.Text;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Routed;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>The controller releases with exactly the permissions deploy/rbac.yaml grants.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RbacTests(ControlPlaneFixture cluster)
{
    private static readonly KubeResource ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount");
    private static readonly KubeResource Secrets = new("", "v1", "secrets", "Secret");
    private static readonly KubeResource ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", Namespaced: false);
    private static readonly KubeResource RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding");

    private async Task<KubeClient> ControllerClientAsync(string ns)
    {
        var admin = cluster.Client;
        var manifests = YamlJson.ParseAll(File.ReadAllText(Path.Combine(ControlPlaneFixture.RepositoryRoot(), "deploy", "rbac.yaml"))).OfType<JsonObject>().ToList();
        var role = manifests.Single(m => (string?)m["kind"] == "ClusterRole");
        var created = await admin.CreateAsync(ClusterRoles, null, role);
        if (!created.IsSuccess && !created.Error!.IsAlreadyExists) created.ValueOrThrow();
        (await admin.ApplyAsync(ClusterRoles, null, role, "canaria-tests", force: true)).ValueOrThrow(); // the file's current rules
        (await admin.CreateAsync(ServiceAccounts, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "canaria-controller" } })).ValueOrThrow();
        (await admin.CreateAsync(RoleBindings, ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "canaria-controller" },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "canaria-controller" },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "canaria-controller", ["namespace"] = ns }),
        })).ValueOrThrow();
        string? token = null;
        await Eventually.WaitAsync(async () =>
        {
            var sa = await admin.GetAsync(ServiceAccounts, ns, "canaria-controller");
            var secret = (string?)sa.Value?["secrets"]?[0]?["name"];
            if (secret is null) return false;
            var data = (string?)(await admin.GetAsync(Secrets, ns, secret)).Value?["data"]?["token"];
            token = data is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(data));
            return token is not null;
        }, RolloutScenario.Deadline, "the controller's service-account token");
        return new KubeClient(cluster.ConfigWith(k => k.AccessToken = token));
    }

    [Fact]
    public async Task Release_WithDeployRbacOnly_PausesCanariesPromotesAndRecordsEvents()
    {
        KubeClient? controllerClient = null;
        await using var s = await RolloutScenario.StartAsync(cluster, "rbac", controllerClient: async ns => controllerClient = await ControllerClientAsync(ns));
        using var _ = controllerClient;
        Assert.False((await controllerClient!.ListAsync(KubeResource.Pods, s.Namespace)).IsSuccess); // not an admin: pods are not in the role
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
        (await s.Client.CreateAsync(KubeResource.Services, s.Namespace, BlueGreenTests.Service("myapp"))).ValueOrThrow();
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() });
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v2");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2, ["app:v3"] = 1 }, "2 v2 pods and 1 v3 pod");
        await s.WaitForEndpointsAsync("myapp-canary", "app:v3");
        await s.CommandAsync("myapp", "promote 1");

        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v3"] = 2 }, "all pods v3");
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null, "the release to complete");
        await s.WaitForEventAsync("myapp", "Completed");
        (await s.Client.DeleteAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        await s.WaitForAsync(KubeResource.Deployments, "myapp", d => d["spec"]?["paused"]?.GetValue<bool>() != true, "the Deployment to be handed back");
    }

    [Fact]
    public async Task Release_AllFourRoutersWithDeployRbacOnly_EveryStepVerifiedAndHandedBack()
    {
        KubeClient? controllerClient = null;
        string[] routers = ["istio", "smi", "nginx", "gatewayAPI"];
        JsonArray steps = [new JsonObject { ["traffic"] = 10, ["pause"] = new JsonObject() }];
        await using var r = await RoutedRelease.StartAsync(cluster, "rbac-routed", routers, steps,
            controllerClient: async ns => controllerClient = await ControllerClientAsync(ns));
        using var _ = controllerClient;

        await r.SetImageAsync("app:v2");
        await r.WaitForStepAsync("step 1/1", 10);
        await r.S.CommandAsync("myapp", "promote 1");

        await r.WaitForRestoredAsync("Healthy", "the release to complete and every router to hand back");
        foreach (var router in routers) Assert.Equal(0, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, router));
        Assert.DoesNotContain("forbidden", r.S.Log.Tail(), StringComparison.OrdinalIgnoreCase);
    }
}
