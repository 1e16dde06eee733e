using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>deploy/helm/canaria through the real helm v4.1.4: lint, template (same objects as deploy/'s plain manifests, values reach them).</summary>
public sealed class HelmChartTests
{
    public static string ChartPath => Path.Combine(ControlPlaneFixture.RepositoryRoot(), "deploy", "helm", "canaria");

    [Fact]
    public async Task HelmLint_Chart_PassesStrict()
    {
        var run = await KubeTools.RunAsync(KubeTools.Helm, null, null, "lint", ChartPath, "--strict");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelmTemplate_DefaultValues_SameObjectsAsPlainManifests()
    {
        var plain = DeployManifests.Plain();
        var chart = await TemplateAsync("canaria-system");
        Assert.Equal(plain.Select(o => (string)o["kind"]!).Where(k => k != "Namespace").Order(), chart.Select(o => (string)o["kind"]!).Order());
        foreach (var o in chart) Assert.Contains(DeployManifests.Identity(o), plain.Select(DeployManifests.Identity)); // same names and namespaces

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
        // helm uninstall must not delete the CRD: that would delete every Rollout in the cluster.
        Assert.Equal("keep", (string?)DeployManifests.Single(chart, "CustomResourceDefinition")["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
    }

    [Fact]
    public async Task HelmTemplate_OtherNamespaceAndWatchNamespace_ValuesReachTheObjects()
    {
        var chart = await TemplateAsync("team-a", "--set", "installCRD=false", "--set", "watchNamespace=apps", "--set", "replicas=3");

        Assert.DoesNotContain(chart, o => (string?)o["kind"] == "CustomResourceDefinition");
        Assert.Equal("team-a", (string?)DeployManifests.Single(chart, "ClusterRoleBinding")["subjects"]![0]!["namespace"]);
        var deployment = DeployManifests.Single(chart, "Deployment");
        Assert.Equal("team-a", (string?)deployment["metadata"]!["namespace"]);
        Assert.Equal(3, Objects.Int(deployment, "spec", "replicas"));
        Assert.Equal(["controller", "--lease-namespace", "team-a", "--namespace", "apps"],
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Equal((string?)DeployManifests.Single(chart, "ServiceAccount")["metadata"]!["name"], (string?)deployment["spec"]!["template"]!["spec"]!["serviceAccountName"]);
    }

    [Fact]
    public async Task HelmTemplate_ExtraEnvAndVolumes_ReachTheControllerContainerForAuthSecrets()
    {
        var values = Path.Combine(Directory.CreateTempSubdirectory("canaria-helm-values-").FullName, "values.yaml");
        await File.WriteAllTextAsync(values, """
            installCRD: false
            extraEnv:
              - name: PROMETHEUS_TOKEN
                valueFrom: {secretKeyRef: {name: prometheus-token, key: token}}
              - {name: PLAIN, value: "with: a colon"}
            extraVolumes:
              - name: prometheus-token
                secret: {secretName: prometheus-token}
            extraVolumeMounts:
              - {name: prometheus-token, mountPath: /var/run/secrets/prometheus, readOnly: true}
            """);

        var chart = await TemplateAsync("canaria-system", "-f", values);

        var pod = DeployManifests.Single(chart, "Deployment")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal(["DOTNET_EnableDiagnostics", "PROMETHEUS_TOKEN", "PLAIN"], container["env"]!.AsArray().Select(e => (string)e!["name"]!));
        Assert.Equal("token", (string?)container["env"]![1]!["valueFrom"]!["secretKeyRef"]!["key"]);
        Assert.Equal("with: a colon", (string?)container["env"]![2]!["value"]);
        Assert.Equal(["tmp", "prometheus-token"], container["volumeMounts"]!.AsArray().Select(m => (string)m!["name"]!));
        Assert.Equal(true, (bool?)container["volumeMounts"]![1]!["readOnly"]);
        Assert.Equal("prometheus-token", (string?)pod["volumes"]![1]!["secret"]!["secretName"]);
    }

    /// <summary>`helm template canaria deploy/helm/canaria -n NS ARGS`, parsed.</summary>
    public static async Task<IReadOnlyList<JsonObject>> TemplateAsync(string releaseNamespace, params string[] args)
    {
        var run = await KubeTools.RunAsync(KubeTools.Helm, null, null, ["template", "canaria", ChartPath, "--namespace", releaseNamespace, .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return YamlJson.ParseAll(run.Stdout).OfType<JsonObject>().ToList();
    }

    private static JsonNode? At(JsonNode? node, string[] path)
    {
        foreach (var p in path) node = node?[p];
        return node;
    }
}
