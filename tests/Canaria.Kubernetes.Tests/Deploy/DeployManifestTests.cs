using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>deploy/'s plain manifests, applied to the real test API server (the chart: <see cref="HelmChartTests"/>, <see cref="HelmReleaseTests"/>).</summary>
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

        Assert.Equal(plain.Select(DeployManifests.Identity).Order(), read.Select(DeployManifests.Identity).Order());
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
