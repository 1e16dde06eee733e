using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>deploy/'s manifests and chart, applied to the real test API server.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DeployManifestTests(ControlPlaneFixture cluster)
{
    private static readonly KubeResource AccessReviews = new("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", Namespaced: false);

    [Fact]
    public async Task Manifests_AppliedToApiServer_ObjectsExistAndDeploymentRunsAsTheBoundServiceAccount()
    {
        var plain = DeployManifests.Plain();
        Assert.Equal(["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Deployment", "Namespace", "ServiceAccount"],
            plain.Select(o => (string)o["kind"]!).Order());

        var read = await DeployManifests.ApplyAsync(cluster.Client, plain, "canaria-deploy-tests");

        Assert.Equal(plain.Select(Identity).Order(), read.Select(Identity).Order());
        var deployment = DeployManifests.Single(read, "Deployment");
        var binding = DeployManifests.Single(read, "ClusterRoleBinding");
        var subject = binding["subjects"]!.AsArray().OfType<JsonObject>().Single();
        var ns = Objects.Str(deployment, "metadata", "namespace")!;
        var account = Objects.Str(deployment, "spec", "template", "spec", "serviceAccountName");
        Assert.Equal(("ServiceAccount", account, ns), ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]));
        Assert.Equal(Objects.Str(DeployManifests.Single(read, "ClusterRole"), "metadata", "name"), Objects.Str(binding, "roleRef", "name"));
        Assert.Equal(2, Objects.Int(deployment, "spec", "replicas"));
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("controller", (string?)container["args"]![0]);
        Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.True(deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());

        // What the bound identity may do, as the API server's authorizer decides it.
        var user = $"system:serviceaccount:{ns}:{account}";
        Assert.True(await AllowedAsync(user, "watch", "canaria.dev", "rollouts", null));
        Assert.True(await AllowedAsync(user, "update", "coordination.k8s.io", "leases", ns));
        Assert.True(await AllowedAsync(user, "create", "apps", "replicasets", "default"));
        Assert.False(await AllowedAsync(user, "delete", "", "pods", "default"));
        Assert.False(await AllowedAsync(user, "update", "apps", "deployments", "default"));

        // The ReplicaSet controller creates the pods: the template passes admission, service account included.
        await Eventually.WaitAsync(async () =>
        {
            var pods = (await cluster.Client.ListAllAsync(KubeResource.Pods, ns)).ValueOrThrow().Items
                .Where(p => Objects.Str(p, "metadata", "labels", "app.kubernetes.io/name") == "canaria-controller").ToList();
            return pods.Count == 2 && pods.All(p => Objects.Str(p, "spec", "serviceAccountName") == account);
        }, RolloutScenario.Deadline, $"2 controller pods running as {account} in {ns}");
    }

    [Fact]
    public async Task HelmChart_RenderedWithoutHelm_AppliesAndEqualsPlainManifests()
    {
        var plain = DeployManifests.Plain();
        var chart = DeployManifests.Chart("canaria-system");
        Assert.Equal(plain.Select(o => (string)o["kind"]!).Where(k => k != "Namespace").Order(), chart.Select(o => (string)o["kind"]!).Order());
        foreach (var o in chart) Assert.Contains(Identity(o), plain.Select(Identity)); // same names and namespaces

        string Same(string kind, params string[] path) => JsonNode.DeepEquals(At(DeployManifests.Single(plain, kind), path), At(DeployManifests.Single(chart, kind), path))
            ? "" : $"{kind} {string.Join('.', path)} differs (after a change to deploy/crds or deploy/rbac.yaml, run hack/sync-chart.sh): " +
              $"plain {At(DeployManifests.Single(plain, kind), path)?.ToJsonString()} chart {At(DeployManifests.Single(chart, kind), path)?.ToJsonString()}";
        Assert.Equal("", Same("CustomResourceDefinition", "spec"));
        Assert.Equal("", Same("ClusterRole", "rules"));
        Assert.Equal("", Same("ClusterRoleBinding", "roleRef"));
        Assert.Equal("", Same("ClusterRoleBinding", "subjects"));
        Assert.Equal("", Same("Deployment", "spec", "replicas"));
        Assert.Equal("", Same("Deployment", "spec", "selector"));
        Assert.Equal("", Same("Deployment", "spec", "strategy"));
        Assert.Equal("", Same("Deployment", "spec", "template", "spec"));

        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "canaria-system" } };
        var read = await DeployManifests.ApplyAsync(cluster.Client, [ns, .. chart], "canaria-chart-tests"); // helm install --create-namespace
        Assert.Equal(chart.Select(Identity).Order(), read.Skip(1).Select(Identity).Order());
    }

    [Fact]
    public async Task HelmChart_RenderedWithoutHelm_OtherNamespaceAndWatchNamespace_ValuesReachTheObjects()
    {
        var release = await cluster.CreateNamespaceAsync("chart");
        var chart = DeployManifests.Chart(release, new JsonObject { ["installCRD"] = false, ["watchNamespace"] = "apps", ["replicas"] = 3 });

        Assert.DoesNotContain(chart, o => (string?)o["kind"] == "CustomResourceDefinition");
        var subject = DeployManifests.Single(chart, "ClusterRoleBinding")["subjects"]![0]!;
        Assert.Equal(release, (string?)subject["namespace"]);
        var namespaced = chart.Where(o => DeployManifests.ResourceOf(o).Namespaced).ToList(); // the cluster-wide binding stays the other test's
        var read = await DeployManifests.ApplyAsync(cluster.Client, namespaced, "canaria-chart-tests");
        var deployment = DeployManifests.Single(read, "Deployment");
        Assert.Equal(3, Objects.Int(deployment, "spec", "replicas"));
        Assert.Equal(["controller", "--lease-namespace", release, "--namespace", "apps"],
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(Objects.Str(DeployManifests.Single(read, "ServiceAccount"), "metadata", "name"), Objects.Str(deployment, "spec", "template", "spec", "serviceAccountName"));
    }

    [Fact]
    public async Task HelmChart_ExtraEnvAndVolumes_ReachTheControllerContainerForAuthSecrets()
    {
        var release = await cluster.CreateNamespaceAsync("chartauth");
        var env = new JsonObject
        {
            ["name"] = "PROMETHEUS_TOKEN",
            ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "prometheus-token", ["key"] = "token" } },
        };
        var volume = new JsonObject { ["name"] = "prometheus-token", ["secret"] = new JsonObject { ["secretName"] = "prometheus-token" } };
        var mount = new JsonObject { ["name"] = "prometheus-token", ["mountPath"] = "/var/run/secrets/prometheus", ["readOnly"] = true };
        var chart = DeployManifests.Chart(release, new JsonObject
        {
            ["installCRD"] = false,
            ["extraEnv"] = new JsonArray(env, new JsonObject { ["name"] = "PLAIN", ["value"] = "with: a colon" }),
            ["extraVolumes"] = new JsonArray(volume),
            ["extraVolumeMounts"] = new JsonArray(mount),
        });

        var read = await DeployManifests.ApplyAsync(cluster.Client, chart.Where(o => DeployManifests.ResourceOf(o).Namespaced).ToList(), "canaria-chart-tests");
        var pod = DeployManifests.Single(read, "Deployment")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal(["DOTNET_EnableDiagnostics", "PROMETHEUS_TOKEN", "PLAIN"], container["env"]!.AsArray().Select(e => (string)e!["name"]!));
        Assert.True(JsonNode.DeepEquals(env, container["env"]![1]), container["env"]!.ToJsonString());
        Assert.Equal("with: a colon", (string?)container["env"]![2]!["value"]);
        Assert.Equal(["tmp", "prometheus-token"], container["volumeMounts"]!.AsArray().Select(m => (string)m!["name"]!));
        Assert.True(JsonNode.DeepEquals(mount, container["volumeMounts"]![1]), container["volumeMounts"]!.ToJsonString());
        Assert.Equal("prometheus-token", (string?)pod["volumes"]![1]!["secret"]!["secretName"]);
    }

    private static string Identity(JsonObject o) => $"{o["kind"]} {o["metadata"]?["namespace"]}/{o["metadata"]?["name"]}";

    private static JsonNode? At(JsonNode? node, string[] path)
    {
        foreach (var p in path) node = node?[p];
        return node;
    }

    private async Task<bool> AllowedAsync(string user, string verb, string group, string resource, string? ns)
    {
        var attributes = new JsonObject { ["verb"] = verb, ["group"] = group, ["resource"] = resource };
        if (ns is not null) attributes["namespace"] = ns;
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject { ["user"] = user, ["groups"] = new JsonArray("system:serviceaccounts", "system:authenticated"), ["resourceAttributes"] = attributes },
        };
        var answer = (await cluster.Client.CreateAsync(AccessReviews, null, review)).ValueOrThrow();
        return answer["status"]?["allowed"]?.GetValue<bool>() == true;
    }
}
