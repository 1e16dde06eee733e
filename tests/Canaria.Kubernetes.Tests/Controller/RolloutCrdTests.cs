using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutCrdTests(ControlPlaneFixture cluster)
{
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task Crd_Installed_HasStatusSubresourceAndPrinterColumns()
    {
        await RolloutCrd.InstallAsync(Client);

        var crd = (await Client.GetAsync(KubeResource.CustomResourceDefinitions, null, "rollouts.canaria.dev")).ValueOrThrow();
        var version = Assert.Single(crd["spec"]!["versions"]!.AsArray())!;
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.NotNull(version["subresources"]?["status"]);
        var columns = version["additionalPrinterColumns"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Equal(["Phase", "Step", "Weight", "Stable", "Canary", "Message", "Age"], columns);
        Assert.Equal("Namespaced", (string?)crd["spec"]!["scope"]);
    }

    [Fact]
    public async Task Rollout_CreatedThenStatusWritten_SpecKeptAndStatusOnlyThroughSubresource()
    {
        await RolloutCrd.InstallAsync(Client);
        var ns = await cluster.CreateNamespaceAsync("crd");
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() });
        rollout["status"] = new JsonObject { ["phase"] = "Ignored" };

        var created = (await Client.CreateAsync(RolloutResource.Rollouts, ns, rollout)).ValueOrThrow();
        Assert.Null(created["status"]?["phase"]); // status is not written through the main resource
        Assert.Equal("myapp", (string?)created["spec"]!["workloadRef"]!["name"]);
        Assert.NotNull(created["spec"]!["strategy"]!["canary"]!["steps"]![0]!["pause"]);

        created["status"] = new JsonObject { ["phase"] = "Paused", ["step"] = "step 1/1", ["weight"] = 9, ["message"] = "waiting", ["canaria"] = new JsonObject { ["stepIndex"] = 0 } };
        var written = (await Client.ReplaceStatusAsync(RolloutResource.Rollouts, ns, created)).ValueOrThrow();
        Assert.Equal("Paused", (string?)written["status"]!["phase"]);

        var read = (await Client.GetAsync(RolloutResource.Rollouts, ns, "myapp")).ValueOrThrow();
        Assert.Equal(9, (int)read["status"]!["weight"]!);
        Assert.Equal(0, (int)read["status"]!["canaria"]!["stepIndex"]!);
        Assert.Equal(1, (int)read["spec"]!["strategy"]!["canary"]!["steps"]![0]!["replicas"]!);
    }
}
