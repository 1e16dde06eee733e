using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.RouterScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The ingress-nginx router against a real API server: the canary copy's lifecycle; the user's Ingress never written.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class NginxRouterTests(ControlPlaneFixture cluster)
{
    private static readonly NginxRouting Config = new() { Ingress = "web" };
    private static readonly KubeResource Ingresses = NginxCanaryIngress.Ingresses;

    private static async Task<(RouterScenario S, JsonObject User)> WithUserIngressAsync(ControlPlaneFixture cluster, string prefix)
    {
        var s = await StartAsync(cluster, prefix);
        var user = (await s.Client.CreateAsync(Ingresses, s.Namespace, NginxObjects.UserIngress())).ValueOrThrow();
        return (s, user);
    }

    [Fact]
    public async Task ApplyAsync_0To10To50To100ThenRestore_CopyCarriesEachWeightAndTheUsersIngressIsNeverWritten()
    {
        var (s, user) = await WithUserIngressAsync(cluster, "nginx-flow");
        var router = new NginxRouter(Config);

        foreach (var weight in new[] { 0, 10, 50, 100 })
        {
            AssertVerified(await router.ApplyAsync(s.Context, Target(weight), default), weight);
            var copy = (await s.GetAsync(Ingresses, "web-canary"))!;
            Assert.True(JsonNode.DeepEquals(NginxObjects.ExpectedCanarySpec(), copy["spec"]), copy["spec"]!.ToJsonString());
            Assert.True(JsonNode.DeepEquals(NginxObjects.ExpectedAnnotations(weight), copy["metadata"]!["annotations"]), copy["metadata"]!["annotations"]!.ToJsonString());
            Assert.Equal("myapp", (string?)copy["metadata"]!["labels"]![RouterContext.RolloutLabel]);
            Assert.Equal(s.RolloutUid, (string?)copy["metadata"]!["ownerReferences"]![0]!["uid"]);
        }

        var restored = await router.RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
        Assert.True(JsonNode.DeepEquals(user, await s.GetAsync(Ingresses, "web")), "the user's Ingress changed");
        Assert.True((await router.RestoreAsync(s.Context, default)).Ok);
    }

    [Fact]
    public async Task RestoreAsync_AbortFrom50_DeletesTheCopy()
    {
        var (s, user) = await WithUserIngressAsync(cluster, "nginx-abort");
        var router = new NginxRouter(Config);
        AssertVerified(await router.ApplyAsync(s.Context, Target(10), default), 10);
        AssertVerified(await router.ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await router.RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
        Assert.True(JsonNode.DeepEquals(user, await s.GetAsync(Ingresses, "web")));
    }

    [Fact]
    public async Task ApplyAsync_SameTargetTwice_SecondWritesNothing()
    {
        var (s, _) = await WithUserIngressAsync(cluster, "nginx-idem");
        var router = new NginxRouter(Config);
        var target = Target(20, Header("x-canary", MatchOperator.Prefix, "beta"), Cookie("canary"));
        AssertVerified(await router.ApplyAsync(s.Context, target, default), 20, matches: 2);
        var before = ResourceVersion((await s.GetAsync(Ingresses, "web-canary"))!);
        var (client, recorder) = Recording(cluster);
        using var _ = client;

        AssertVerified(await router.ApplyAsync(s.With(client), target, default), 20, matches: 2);

        Assert.Equal(0, recorder.Writes);
        Assert.Equal(before, ResourceVersion((await s.GetAsync(Ingresses, "web-canary"))!));
    }

    [Fact]
    public async Task ApplyAsync_UserChangesTheirIngress_CopyFollowsOnTheNextApply()
    {
        var (s, _) = await WithUserIngressAsync(cluster, "nginx-follow");
        var router = new NginxRouter(Config);
        AssertVerified(await router.ApplyAsync(s.Context, Target(10), default), 10);

        (await s.Client.UpdateWithRetryAsync(Ingresses, s.Namespace, "web", ingress =>
        {
            var rules = (JsonArray)ingress["spec"]!["rules"]!;
            ((JsonArray)rules[0]!["http"]!["paths"]!).Add(NginxObjects.Path("/v2", "web", NginxObjects.Number(80)));
            ((JsonArray)rules[0]!["http"]!["paths"]!).Add(NginxObjects.Path("/search", "search", NginxObjects.Number(80)));
            rules.RemoveAt(1);
            return true;
        })).ValueOrThrow();
        AssertVerified(await router.ApplyAsync(s.Context, Target(10), default), 10);

        var copy = (await s.GetAsync(Ingresses, "web-canary"))!;
        var expected = new JsonArray(NginxObjects.Rule("shop.example.com",
            NginxObjects.Path("/", "web-canary", NginxObjects.Number(80)), NginxObjects.Path("/v2", "web-canary", NginxObjects.Number(80))));
        Assert.True(JsonNode.DeepEquals(expected, copy["spec"]!["rules"]), copy["spec"]!["rules"]!.ToJsonString());
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentWriterOnTheCopy_RetriesFromFreshReadAndKeepsTheOtherWrite()
    {
        var (s, _) = await WithUserIngressAsync(cluster, "nginx-409");
        AssertVerified(await new NginxRouter(Config).ApplyAsync(s.Context, Target(10), default), 10);
        var (client, handler) = Recording(cluster, async () =>
            (await s.Client.PatchAsync(Ingresses, s.Namespace, "web-canary", PatchType.Merge,
                new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["other"] = "writer" } } })).ValueOrThrow());
        using var _ = client;

        AssertVerified(await new NginxRouter(Config).ApplyAsync(s.With(client), Target(50), default), 50);

        Assert.Equal(1, handler.Conflicts);
        var copy = (await s.GetAsync(Ingresses, "web-canary"))!;
        Assert.Equal("writer", (string?)copy["metadata"]!["labels"]!["other"]);
        Assert.Equal("50", (string?)copy["metadata"]!["annotations"]![$"{NginxObjects.Prefix}/canary-weight"]);
    }

    [Fact]
    public async Task RestoreAsync_FreshRouterAfterRestart_DeletesTheCopyTheOldOneCreated()
    {
        var (s, user) = await WithUserIngressAsync(cluster, "nginx-restart");
        AssertVerified(await new NginxRouter(Config).ApplyAsync(s.Context, Target(50), default), 50);

        var restored = await new NginxRouter(Config).RestoreAsync(s.Context, default);

        Assert.True(restored.Ok, restored.Error);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
        Assert.True(JsonNode.DeepEquals(user, await s.GetAsync(Ingresses, "web")));
    }
}
