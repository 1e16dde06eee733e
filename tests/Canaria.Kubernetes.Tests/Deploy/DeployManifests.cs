using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>The plain objects under deploy/, and where each kind lives in the API.</summary>
internal static class DeployManifests
{
    public static readonly KubeResource ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount");
    public static readonly KubeResource ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", Namespaced: false);
    public static readonly KubeResource ClusterRoleBindings = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", Namespaced: false);

    private static string Root => Path.Combine(ControlPlaneFixture.RepositoryRoot(), "deploy");

    /// <summary>Every object of every YAML file under deploy/ except the chart.</summary>
    public static IReadOnlyList<JsonObject> Plain()
    {
        var files = Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(Root, "helm") + Path.DirectorySeparatorChar, StringComparison.Ordinal)).Order();
        return files.SelectMany(f => YamlJson.ParseAll(File.ReadAllText(f)).OfType<JsonObject>()).ToList();
    }

    public static KubeResource ResourceOf(JsonObject obj) => (string?)obj["kind"] switch
    {
        "Namespace" => KubeResource.Namespaces,
        "ServiceAccount" => ServiceAccounts,
        "ClusterRole" => ClusterRoles,
        "ClusterRoleBinding" => ClusterRoleBindings,
        "Deployment" => KubeResource.Deployments,
        "CustomResourceDefinition" => KubeResource.CustomResourceDefinitions,
        var kind => throw new InvalidOperationException($"deploy/ has a {kind}; teach DeployManifests.ResourceOf where it lives"),
    };

    /// <summary>"Kind namespace/name".</summary>
    public static string Identity(JsonObject o) => $"{o["kind"]} {o["metadata"]?["namespace"]}/{o["metadata"]?["name"]}";

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind) => objects.Single(o => (string?)o["kind"] == kind);

    /// <summary>Server-side applies every object (namespaces first, as kubectl apply -f does for a directory), then reads each back.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ApplyAsync(KubeClient client, IReadOnlyList<JsonObject> objects, string fieldManager)
    {
        var read = new List<JsonObject>();
        foreach (var obj in objects.OrderBy(o => (string?)o["kind"] == "Namespace" ? 0 : 1))
        {
            var resource = ResourceOf(obj);
            var ns = resource.Namespaced ? (string?)obj["metadata"]?["namespace"] : null;
            Assert.True(!resource.Namespaced || ns is not null, $"{obj["kind"]} {obj["metadata"]?["name"]} names no namespace");
            var applied = await client.ApplyAsync(resource, ns, obj, fieldManager, force: true);
            Assert.True(applied.IsSuccess, $"applying {obj["kind"]} {obj["metadata"]?["name"]}: {applied.Error}");
            read.Add((await client.GetAsync(resource, ns, (string)obj["metadata"]!["name"]!)).ValueOrThrow());
        }
        return read;
    }
}
