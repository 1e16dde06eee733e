using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

[Collection(ControlPlaneCollection.Name)]
public sealed class PatchAndApplyTests(ControlPlaneFixture cluster)
{
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task Patch_MergePatch_ChangesAndRemovesKeys()
    {
        var ns = await cluster.CreateNamespaceAsync("patch");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("cm", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }))).ValueOrThrow();

        var patch = new JsonObject { ["data"] = new JsonObject { ["a"] = "10", ["b"] = null, ["c"] = "3" } };
        var patched = await Client.PatchAsync(KubeResource.ConfigMaps, ns, "cm", PatchType.Merge, patch);

        Assert.True(patched.IsSuccess, patched.Error?.ToString());
        var data = patched.Value!["data"]!.AsObject();
        Assert.Equal("10", (string?)data["a"]);
        Assert.False(data.ContainsKey("b"));
        Assert.Equal("3", (string?)data["c"]);
    }

    [Fact]
    public async Task Patch_JsonPatch_AppliesOperationsInOrderAndFailedTestChangesNothing()
    {
        var ns = await cluster.CreateNamespaceAsync("patch");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("cm", new Dictionary<string, string> { ["a"] = "1" }))).ValueOrThrow();

        var ops = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/data/a", ["value"] = "1" },
            new JsonObject { ["op"] = "replace", ["path"] = "/data/a", ["value"] = "2" },
            new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels", ["value"] = new JsonObject { ["stage"] = "canary" } });
        var patched = await Client.PatchAsync(KubeResource.ConfigMaps, ns, "cm", PatchType.Json, ops);
        var failing = await Client.PatchAsync(KubeResource.ConfigMaps, ns, "cm", PatchType.Json, new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/data/a", ["value"] = "1" },
            new JsonObject { ["op"] = "replace", ["path"] = "/data/a", ["value"] = "3" }));

        Assert.True(patched.IsSuccess, patched.Error?.ToString());
        Assert.Equal("2", Objects.Str(patched.Value, "data", "a"));
        Assert.Equal("canary", Objects.Str(patched.Value, "metadata", "labels", "stage"));
        Assert.False(failing.IsSuccess);
        Assert.Equal("2", Objects.Str((await Client.GetAsync(KubeResource.ConfigMaps, ns, "cm")).ValueOrThrow(), "data", "a"));
    }

    [Fact]
    public async Task Patch_MissingObject_ReturnsNotFoundResult()
    {
        var ns = await cluster.CreateNamespaceAsync("patch");

        var result = await Client.PatchAsync(KubeResource.ConfigMaps, ns, "absent", PatchType.Merge, new JsonObject { ["data"] = new JsonObject() });

        Assert.True(result.Error?.IsNotFound);
    }

    [Fact]
    public async Task Apply_SameObjectTwice_CreatesThenChangesNothing()
    {
        var ns = await cluster.CreateNamespaceAsync("apply");
        var cm = Objects.ConfigMap("applied", new Dictionary<string, string> { ["weight"] = "10" });

        var first = await Client.ApplyAsync(KubeResource.ConfigMaps, ns, cm, "canaria");
        var second = await Client.ApplyAsync(KubeResource.ConfigMaps, ns, cm, "canaria");

        Assert.True(first.IsSuccess, first.Error?.ToString());
        Assert.True(second.IsSuccess, second.Error?.ToString());
        Assert.Equal(Objects.Str(first.Value, "metadata", "resourceVersion"), Objects.Str(second.Value, "metadata", "resourceVersion"));
        var managers = second.Value!["metadata"]!["managedFields"]!.AsArray().Select(m => (string?)m!["manager"]).ToList();
        Assert.Contains("canaria", managers);
    }

    [Fact]
    public async Task Apply_FieldOwnedByAnotherManager_ConflictsUnlessForced()
    {
        var ns = await cluster.CreateNamespaceAsync("apply");
        (await Client.ApplyAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("shared", new Dictionary<string, string> { ["weight"] = "10" }), "gitops")).ValueOrThrow();
        var mine = Objects.ConfigMap("shared", new Dictionary<string, string> { ["weight"] = "50" });

        var conflict = await Client.ApplyAsync(KubeResource.ConfigMaps, ns, mine, "canaria");
        var forced = await Client.ApplyAsync(KubeResource.ConfigMaps, ns, mine, "canaria", force: true);

        Assert.False(conflict.IsSuccess);
        Assert.True(conflict.Error!.IsConflict);
        Assert.Contains("gitops", conflict.Error.Message);
        Assert.True(forced.IsSuccess, forced.Error?.ToString());
        Assert.Equal("50", Objects.Str(forced.Value, "data", "weight"));
    }

    [Fact]
    public async Task ReplaceStatus_Deployment_ChangesStatusButNotSpec()
    {
        var ns = await cluster.CreateNamespaceAsync("status");
        (await Client.CreateAsync(KubeResource.Deployments, ns, Objects.Deployment("web", 0, "web"))).ValueOrThrow();

        var result = await Client.UpdateWithRetryAsync(KubeResource.Deployments, ns, "web", d =>
        {
            d["spec"]!["replicas"] = 7; // ignored by /status
            d["status"] ??= new JsonObject();
            d["status"]!["collisionCount"] = 3;
            return true;
        }, status: true);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(3, Objects.Int(result.Value, "status", "collisionCount"));
        Assert.Equal(0, Objects.Int(result.Value, "spec", "replicas"));
        var fresh = (await Client.GetAsync(KubeResource.Deployments, ns, "web")).ValueOrThrow();
        Assert.Equal(0, Objects.Int(fresh, "spec", "replicas"));
        Assert.Equal(3, Objects.Int(fresh, "status", "collisionCount"));
    }

    [Fact]
    public async Task PatchStatus_MergePatchOnStatusSubresource_ChangesStatusOnly()
    {
        var ns = await cluster.CreateNamespaceAsync("status");
        (await Client.CreateAsync(KubeResource.Deployments, ns, Objects.Deployment("web", 0, "web"))).ValueOrThrow();

        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 5 }, ["status"] = new JsonObject { ["collisionCount"] = 2 } };
        var result = await Client.PatchAsync(KubeResource.Deployments, ns, "web", PatchType.Merge, patch, "status");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, Objects.Int(result.Value, "status", "collisionCount"));
        Assert.Equal(0, Objects.Int(result.Value, "spec", "replicas"));
    }
}
