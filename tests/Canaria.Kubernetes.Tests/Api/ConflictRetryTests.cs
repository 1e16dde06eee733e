using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

[Collection(ControlPlaneCollection.Name)]
public sealed class ConflictRetryTests(ControlPlaneFixture cluster)
{
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task UpdateWithRetry_ConcurrentWriterBetweenReadAndWrite_RetriesFromFreshReadAndKeepsBothChanges()
    {
        var ns = await cluster.CreateNamespaceAsync("conflict");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("counter", new Dictionary<string, string> { ["n"] = "0" }))).ValueOrThrow();
        using var other = new KubeClient(cluster.Config);
        var mutations = 0;
        var conflicts = 0;

        var result = await Client.UpdateWithRetryAsync(
            ct => Client.GetAsync(KubeResource.ConfigMaps, ns, "counter", ct),
            cm =>
            {
                if (Interlocked.Increment(ref mutations) == 1)
                {
                    // Another writer changes the object after our read: our PUT must get 409.
                    other.PatchAsync(KubeResource.ConfigMaps, ns, "counter", PatchType.Merge,
                        new JsonObject { ["data"] = new JsonObject { ["other"] = "yes" } }).GetAwaiter().GetResult().ValueOrThrow();
                }
                cm["data"]!["n"] = (int.Parse((string)cm["data"]!["n"]!) + 1).ToString();
                return true;
            },
            async (cm, ct) =>
            {
                var r = await Client.ReplaceAsync(KubeResource.ConfigMaps, ns, cm, ct);
                if (r.Error?.IsConflict == true)
                {
                    conflicts++;
                }
                return r;
            });

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, mutations);
        Assert.Equal(1, conflicts);
        var final = (await Client.GetAsync(KubeResource.ConfigMaps, ns, "counter")).ValueOrThrow();
        Assert.Equal("1", Objects.Str(final, "data", "n"));
        Assert.Equal("yes", Objects.Str(final, "data", "other"));
    }

    [Fact]
    public async Task UpdateWithRetry_ManyConcurrentIncrements_LoseNone()
    {
        var ns = await cluster.CreateNamespaceAsync("conflict");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("counter", new Dictionary<string, string> { ["n"] = "0" }))).ValueOrThrow();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Client.UpdateWithRetryAsync(KubeResource.ConfigMaps, ns, "counter", cm =>
        {
            cm["data"]!["n"] = (int.Parse((string)cm["data"]!["n"]!) + 1).ToString();
            return true;
        })));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal("8", Objects.Str((await Client.GetAsync(KubeResource.ConfigMaps, ns, "counter")).ValueOrThrow(), "data", "n"));
    }

    [Fact]
    public async Task UpdateWithRetry_MissingObject_ReturnsNotFoundWithoutCallingMutate()
    {
        var ns = await cluster.CreateNamespaceAsync("conflict");
        var called = false;

        var result = await Client.UpdateWithRetryAsync(KubeResource.ConfigMaps, ns, "absent", _ => called = true);

        Assert.True(result.Error?.IsNotFound);
        Assert.False(called);
    }
}
