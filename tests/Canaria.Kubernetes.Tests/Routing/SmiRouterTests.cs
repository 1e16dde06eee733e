using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.RouterScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The SMI router against a real API server: the TrafficSplit Canaria creates when there is none.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SmiRouterTests(ControlPlaneFixture cluster)
{
    private static readonly SmiRouting Config = new() { RootService = "web-apex" };
    private static readonly KubeResource Splits = TrafficSplitShape.Resource("split.smi-spec.io/v1alpha2");

    [Fact]
    public async Task ApplyAsync_NoSplitThen0To10To50To100_CreatesOwnedSplitCarryingEachStepAndRestoreDeletesIt()
    {
        var s = await StartSmiAsync(cluster, "smi-flow");
        var router = new SmiRouter(Config);

        foreach (var weight in new[] { 0, 10, 50, 100 })
        {
            AssertVerified(await router.ApplyAsync(s.Context, Target(weight), default), weight);
            var split = (await s.GetAsync(Splits, "myapp"))!;
            Assert.Equal("web-apex", (string?)split["spec"]!["service"]);
            Assert.True(JsonNode.DeepEquals(SmiObjects.Backends((Stable, 100 - weight), (Canary, weight)), split["spec"]!["backends"]), split.ToJsonString());
            Assert.Equal("myapp", (string?)split["metadata"]!["labels"]![RouterContext.RolloutLabel]);
            Assert.Equal(s.RolloutUid, (string?)split["metadata"]!["ownerReferences"]![0]!["uid"]);
            Assert.Null(split["metadata"]!["annotations"]?[RouterContext.OriginalAnnotation]);
        }

        var restored = await router.RestoreAsync(s.Context, default);
        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Splits, "myapp"));
        var again = await router.RestoreAsync(s.Context, default);
        Assert.True(again.Ok, again.Error);
    }

    [Fact]
    public async Task RestoreAsync_AbortFrom50_DeletesTheCreatedSplit()
    {
        var s = await StartSmiAsync(cluster, "smi-abort");
        var router = new SmiRouter(Config);
        AssertVerified(await router.ApplyAsync(s.Context, Target(10), default), 10);
        AssertVerified(await router.ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await router.RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Splits, "myapp"));
    }

    [Fact]
    public async Task ApplyAsync_SameTargetTwice_SecondWritesNothing()
    {
        var s = await StartSmiAsync(cluster, "smi-idem");
        var router = new SmiRouter(Config);
        AssertVerified(await router.ApplyAsync(s.Context, Target(25), default), 25);
        var before = ResourceVersion((await s.GetAsync(Splits, "myapp"))!);
        var (client, recorder) = Recording(cluster);
        using var _ = client;

        AssertVerified(await router.ApplyAsync(s.With(client), Target(25), default), 25);

        Assert.Equal(0, recorder.Writes);
        Assert.Equal(before, ResourceVersion((await s.GetAsync(Splits, "myapp"))!));
    }

    [Fact]
    public async Task RestoreAsync_FreshRouterAfterRestart_DeletesTheSplitTheOldOneCreated()
    {
        var s = await StartSmiAsync(cluster, "smi-restart");
        AssertVerified(await new SmiRouter(Config).ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await new SmiRouter(Config).RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Splits, "myapp"));
    }

    [Fact]
    public async Task ApplyAsync_MatchesOrMirror_FailsAndCreatesNothing()
    {
        var s = await StartSmiAsync(cluster, "smi-refuse");
        var router = new SmiRouter(Config);

        var matches = await router.ApplyAsync(s.Context, Target(10, Header("x-canary", MatchOperator.Exact, "yes")), default);
        var mirror = await router.ApplyAsync(s.Context, Target(10) with { MirrorPercent = 20 }, default);

        Assert.False(matches.Ok);
        Assert.Contains("weight only", matches.Error, StringComparison.Ordinal);
        Assert.False(mirror.Ok);
        Assert.Contains("mirror", mirror.Error, StringComparison.Ordinal);
        Assert.Null(await s.GetAsync(Splits, "myapp"));
    }

    [Fact]
    public async Task ApplyAsync_ApexServiceMissing_FailsNamingItAndTheFieldAndCreatesNothing()
    {
        var s = await StartAsync(cluster, "smi-noapex");

        var outcome = await new SmiRouter(Config).ApplyAsync(s.Context, Target(10), default);

        Assert.False(outcome.Ok);
        Assert.Equal($"Service web-apex not found in namespace {s.Namespace} (spec.trafficRouting.smi.rootService)", outcome.Error);
        Assert.Null(await s.GetAsync(Splits, "myapp"));
        Assert.True((await new SmiRouter(Config).RestoreAsync(s.Context, default)).Ok);
    }

    [Fact]
    public async Task ApplyAsync_V1alpha3_CreatesTheSplitInThatVersion()
    {
        var s = await StartSmiAsync(cluster, "smi-v1a3");
        var config = Config with { ApiVersion = "split.smi-spec.io/v1alpha3", TrafficSplit = "web-split" };

        AssertVerified(await new SmiRouter(config).ApplyAsync(s.Context, Target(40), default), 40);

        var split = (await s.GetAsync(TrafficSplitShape.Resource(config.ApiVersion), "web-split"))!;
        Assert.Equal("split.smi-spec.io/v1alpha3", (string?)split["apiVersion"]);
        Assert.True(JsonNode.DeepEquals(SmiObjects.Backends((Stable, 60), (Canary, 40)), split["spec"]!["backends"]));
    }

    [Fact]
    public async Task ApplyAsync_SplitCreatedForAnotherRollout_FailsAndLeavesItAlone()
    {
        var s = await StartSmiAsync(cluster, "smi-other");
        var config = Config with { TrafficSplit = "shared" };
        var other = await s.AnotherRolloutAsync("other");
        AssertVerified(await new SmiRouter(config).ApplyAsync(other, Target(30), default), 30);
        var before = ResourceVersion((await s.GetAsync(Splits, "shared"))!);

        var outcome = await new SmiRouter(config).ApplyAsync(s.Context, Target(60), default);
        var restore = await new SmiRouter(config).RestoreAsync(s.Context, default);

        Assert.False(outcome.Ok);
        Assert.Contains("Rollout other", outcome.Error, StringComparison.Ordinal);
        Assert.True(restore.Ok, restore.Error);
        Assert.Equal(before, ResourceVersion((await s.GetAsync(Splits, "shared"))!));
    }

    [Theory]
    [InlineData(500, 500, 50)]
    [InlineData(250, 750, 75)]
    [InlineData(0, 1, 100)]
    [InlineData(1, 0, 0)]
    [InlineData(999, 1, 1)]
    [InlineData(1, 999, 99)]
    [InlineData(2, 1, 33)]
    [InlineData(1, 2, 67)]
    [InlineData(0, 0, 0)]
    public void CanaryPercent_RelativeWeights_RoundToNearestButNeverHideTraffic(long stable, long canary, int expected)
    {
        var split = new JsonObject { ["spec"] = new JsonObject { ["backends"] = SmiObjects.Backends((Stable, stable), (Canary, canary)) } };

        Assert.Equal(expected, TrafficSplitWeights.Read(split, Stable, Canary).CanaryPercent);
    }
}
