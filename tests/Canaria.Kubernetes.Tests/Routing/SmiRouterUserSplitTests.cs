using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.RouterScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The SMI router on a TrafficSplit the user already has: originals recorded, put back, user edits kept.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SmiRouterUserSplitTests(ControlPlaneFixture cluster)
{
    private static readonly SmiRouting Config = new() { RootService = "web-apex", TrafficSplit = "web-split" };
    private static readonly KubeResource Splits = TrafficSplitShape.Resource("split.smi-spec.io/v1alpha2");

    private static async Task<(RouterScenario S, JsonObject Before)> WithUserSplitAsync(ControlPlaneFixture cluster, string prefix, params (string, long)[] backends)
    {
        var s = await StartSmiAsync(cluster, prefix);
        var before = (await s.Client.CreateAsync(Splits, s.Namespace, SmiObjects.Split("web-split", "web-apex", backends))).ValueOrThrow();
        return (s, before);
    }

    [Fact]
    public async Task ApplyAsync_UsersSplit0To100WithUserEditThenRestore_OriginalBackendsBackAndUserEditKept()
    {
        var (s, before) = await WithUserSplitAsync(cluster, "smi-user", (Stable, 1000), ("legacy", 0));
        var router = new SmiRouter(Config);

        AssertVerified(await router.ApplyAsync(s.Context, Target(0), default), 0);
        Assert.Equal(ResourceVersion(before), ResourceVersion((await s.GetAsync(Splits, "web-split"))!));
        AssertVerified(await router.ApplyAsync(s.Context, Target(10), default), 10);
        var first = (await s.GetAsync(Splits, "web-split"))!;
        var recorded = (string?)first["metadata"]!["annotations"]![RouterContext.OriginalAnnotation];
        Assert.True(JsonNode.DeepEquals(before["spec"]!["backends"], JsonNode.Parse(recorded!)!["spec"]!["backends"]), recorded);
        Assert.True(JsonNode.DeepEquals(SmiObjects.Backends((Stable, 90), (Canary, 10)), first["spec"]!["backends"]));

        (await s.Client.PatchAsync(Splits, s.Namespace, "web-split", PatchType.Merge, new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["owner"] = "payments" }, ["annotations"] = new JsonObject { ["note"] = "edited mid-release" } },
        })).ValueOrThrow();
        foreach (var weight in new[] { 50, 100 })
        {
            AssertVerified(await router.ApplyAsync(s.Context, Target(weight), default), weight);
            var split = (await s.GetAsync(Splits, "web-split"))!;
            Assert.Equal(recorded, (string?)split["metadata"]!["annotations"]![RouterContext.OriginalAnnotation]);
            Assert.True(JsonNode.DeepEquals(SmiObjects.Backends((Stable, 100 - weight), (Canary, weight)), split["spec"]!["backends"]));
        }

        var restored = await router.RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.True(restored.State!.Verified, restored.State.Message);
        var after = (await s.GetAsync(Splits, "web-split"))!;
        Assert.True(JsonNode.DeepEquals(before["spec"], after["spec"]), after["spec"]!.ToJsonString());
        Assert.Equal("payments", (string?)after["metadata"]!["labels"]!["owner"]);
        Assert.Equal("web", (string?)after["metadata"]!["labels"]!["team"]);
        Assert.Equal("edited mid-release", (string?)after["metadata"]!["annotations"]!["note"]);
        Assert.Null(after["metadata"]!["annotations"]![RouterContext.OriginalAnnotation]);
        Assert.Null(after["metadata"]!["labels"]![RouterContext.RolloutLabel]);
        var again = await router.RestoreAsync(s.Context, default);
        Assert.True(again.Ok, again.Error);
        Assert.Equal(ResourceVersion(after), ResourceVersion((await s.GetAsync(Splits, "web-split"))!));
    }

    [Fact]
    public async Task RestoreAsync_AbortFrom50OnUsersSplit_PutsTheOriginalBackendsBack()
    {
        var (s, before) = await WithUserSplitAsync(cluster, "smi-user-abort", (Stable, 1));
        var router = new SmiRouter(Config);
        AssertVerified(await router.ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await router.RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        var after = (await s.GetAsync(Splits, "web-split"))!;
        Assert.True(JsonNode.DeepEquals(before["spec"], after["spec"]), after["spec"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(before["metadata"]!["labels"], after["metadata"]!["labels"]));
        Assert.Null(after["metadata"]!["annotations"]);
    }

    [Fact]
    public async Task RestoreAsync_FreshRouterAfterRestart_RestoresFromTheAnnotationInTheCluster()
    {
        var (s, before) = await WithUserSplitAsync(cluster, "smi-user-restart", (Stable, 100));
        AssertVerified(await new SmiRouter(Config).ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await new SmiRouter(Config).RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.True(JsonNode.DeepEquals(before["spec"], (await s.GetAsync(Splits, "web-split"))!["spec"]));
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentWriterBetweenReadAndWrite_RetriesFromFreshReadAndKeepsTheOtherWrite()
    {
        var (s, before) = await WithUserSplitAsync(cluster, "smi-409", (Stable, 100));
        var (client, handler) = Recording(cluster, async () =>
            (await s.Client.PatchAsync(Splits, s.Namespace, "web-split", PatchType.Merge,
                new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["other"] = "writer" } } })).ValueOrThrow());
        using var _ = client;

        AssertVerified(await new SmiRouter(Config).ApplyAsync(s.With(client), Target(30), default), 30);

        Assert.Equal(1, handler.Conflicts);
        var split = (await s.GetAsync(Splits, "web-split"))!;
        Assert.Equal("writer", (string?)split["metadata"]!["labels"]!["other"]);
        var recorded = JsonNode.Parse((string)split["metadata"]!["annotations"]![RouterContext.OriginalAnnotation]!)!;
        Assert.True(JsonNode.DeepEquals(before["spec"]!["backends"], recorded["spec"]!["backends"]));
    }

    [Fact]
    public async Task ApplyAsync_Seed003WeightsWrittenByHand_ReadBackAs50Then75Then100WithoutWrites()
    {
        var (s, _) = await WithUserSplitAsync(cluster, "smi-seed", (Stable, 500), (Canary, 500));
        var router = new SmiRouter(Config);

        foreach (var (stable, canary, percent) in new[] { (500L, 500L, 50), (250L, 750L, 75), (0L, 1L, 100) })
        {
            var byHand = (await s.Client.PatchAsync(Splits, s.Namespace, "web-split", PatchType.Merge, SmiObjects.BackendsPatch((Stable, stable), (Canary, canary)))).ValueOrThrow();

            var state = AssertVerified(await router.ApplyAsync(s.Context, Target(percent), default), percent);

            Assert.Equal(ResourceVersion(byHand), ResourceVersion((await s.GetAsync(Splits, "web-split"))!));
            Assert.Contains($"{Stable} {stable}, {Canary} {canary}", state.Message, StringComparison.Ordinal);
        }
        // 0/1 read as anything but 100% would make Canaria rewrite it: 250/750 asked for 50% is rewritten, and recorded.
        (await s.Client.PatchAsync(Splits, s.Namespace, "web-split", PatchType.Merge, SmiObjects.BackendsPatch((Stable, 250), (Canary, 750)))).ValueOrThrow();
        AssertVerified(await router.ApplyAsync(s.Context, Target(50), default), 50);
        var split = (await s.GetAsync(Splits, "web-split"))!;
        Assert.True(JsonNode.DeepEquals(SmiObjects.Backends((Stable, 250), (Canary, 750)),
            JsonNode.Parse((string)split["metadata"]!["annotations"]![RouterContext.OriginalAnnotation]!)!["spec"]!["backends"]));
    }

    [Fact]
    public async Task ApplyAsync_SplitOfAnotherApex_FailsNamingTheApexAndTheFieldAndWritesNothing()
    {
        var s = await StartSmiAsync(cluster, "smi-apex");
        var before = (await s.Client.CreateAsync(Splits, s.Namespace, SmiObjects.Split("web-split", "checkout", (Stable, 100)))).ValueOrThrow();

        var outcome = await new SmiRouter(Config).ApplyAsync(s.Context, Target(10), default);

        Assert.False(outcome.Ok);
        Assert.Contains("TrafficSplit web-split", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("'checkout'", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("spec.trafficRouting.smi.rootService", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(ResourceVersion(before), ResourceVersion((await s.GetAsync(Splits, "web-split"))!));
    }

    [Fact]
    public async Task ApplyAsync_ThirdWeightedBackendOrNoStableBackend_FailsAndWritesNothing()
    {
        var (s, before) = await WithUserSplitAsync(cluster, "smi-shape", (Stable, 80), ("legacy", 20));
        var third = await new SmiRouter(Config).ApplyAsync(s.Context, Target(10), default);
        var noStable = await new SmiRouter(Config).ApplyAsync(s.Context, Target(10) with { StableService = "web-v1" }, default);

        Assert.False(third.Ok);
        Assert.Contains("Service legacy", third.Error, StringComparison.Ordinal);
        Assert.False(noStable.Ok);
        Assert.Contains("no backend for the stable Service web-v1", noStable.Error, StringComparison.Ordinal);
        Assert.Equal(ResourceVersion(before), ResourceVersion((await s.GetAsync(Splits, "web-split"))!));
    }
}
