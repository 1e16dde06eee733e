using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.HttpRouteScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The Gateway API router's life cycle on a real API server: steps, abort, idempotency, user edits, restore.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GatewayApiRouterTests(ControlPlaneFixture cluster)
{
    internal const string OneRule = """{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"myapp","port":80}]}""";

    private static string Split(int weight) =>
        Json($$"""[{"kind":"Service","name":"myapp","port":80,"weight":{{100 - weight}}},{"kind":"Service","name":"myapp-canary","port":80,"weight":{{weight}}}]""");

    [Fact]
    public async Task Apply_Steps0To10To50To100ThenRestore_EachStepLiveAndOriginalBack()
    {
        var s = await StartAsync(cluster, "gw-steps", OneRule);
        var original = await s.GetAsync();
        Assert.Equal(Json("""[{"kind":"Service","name":"myapp","port":80,"weight":1}]"""), Json(original["spec"]!["rules"]![0]!["backendRefs"])); // the API's defaults

        foreach (var weight in new[] { 0, 10, 50, 100 })
        {
            await s.ApplyVerifiedAsync(Target(weight));
            var route = await s.GetAsync();
            var rules = Rules(route);
            Assert.Single(rules);
            Assert.Equal(Split(weight), Json(rules[0]!["backendRefs"]));
            Assert.Equal(Json(original["spec"]!["rules"]![0]!["matches"]), Json(rules[0]!["matches"]));
            Assert.NotNull(Original(route));
        }

        await s.RestoreVerifiedAsync();
        var restored = await s.GetAsync();
        Assert.Equal(Spec(original), Spec(restored));
        Assert.Null(Original(restored));
        Assert.Equal("shop", (string?)restored["metadata"]!["labels"]!["team"]);
    }

    [Fact]
    public async Task Restore_AbortFrom50_OriginalBackAndSecondRestoreWritesNothing()
    {
        var s = await StartAsync(cluster, "gw-abort", OneRule);
        var original = await s.GetAsync();
        await s.ApplyVerifiedAsync(Target(10));
        await s.ApplyVerifiedAsync(Target(50, 0, Header("x-canary", Core.Model.MatchOperator.Exact, "yes")));

        await s.RestoreVerifiedAsync();
        var restored = await s.GetAsync();
        Assert.Equal(Spec(original), Spec(restored));

        await s.RestoreVerifiedAsync();
        Assert.Equal(Version(restored), Version(await s.GetAsync()));
    }

    [Fact]
    public async Task Apply_SameTargetTwice_SecondWritesNothing()
    {
        var s = await StartAsync(cluster, "gw-idem", OneRule);
        var target = Target(30, 20, Header("x-canary", Core.Model.MatchOperator.Prefix, "beta"), Cookie("user", "test-user"));
        var puts = new PutCountingHandler();
        using var client = new KubeClient(cluster.Config, handler: puts);
        var first = await s.Router.ApplyAsync(s.Context with { Client = client }, target, CancellationToken.None);
        Assert.True(first.State?.Verified, first.Error ?? first.State?.Message);
        Assert.Equal(1, puts.Puts); // the split, the test-user rule and the annotation in one update
        var written = await s.GetAsync();

        var second = await s.Router.ApplyAsync(s.Context with { Client = client }, target, CancellationToken.None);
        var third = await NewRouter().ApplyAsync(s.Context with { Client = client }, target, CancellationToken.None);

        Assert.True(second.State?.Verified, second.Error ?? second.State?.Message);
        Assert.True(third.State?.Verified, third.Error ?? third.State?.Message);
        Assert.Equal(1, puts.Puts);
        Assert.Equal(Version(written), Version(await s.GetAsync()));
    }

    [Fact]
    public async Task Restore_UserEditedElsewhereDuringRollout_EditsSurviveAndTheRestIsOriginal()
    {
        var s = await StartAsync(cluster, "gw-edit", OneRule,
            """{"matches":[{"path":{"type":"PathPrefix","value":"/static"}}],"backendRefs":[{"name":"assets","port":8080}]}""");
        var original = await s.GetAsync();
        await s.ApplyVerifiedAsync(Target(30, 0, Header("x-canary", Core.Model.MatchOperator.Exact, "yes")));

        // The user (GitOps, kubectl) changes other parts meanwhile: a hostname, the split rule's timeouts, another rule.
        var patch = JsonNode.Parse("""
            [{"op":"add","path":"/spec/hostnames/-","value":"www.shop.example"},
             {"op":"add","path":"/spec/rules/1/timeouts","value":{"request":"10s"}},
             {"op":"replace","path":"/spec/rules/2/backendRefs/0/port","value":9090}]
            """)!;
        (await s.Client.PatchAsync(Canaria.Kubernetes.Routing.GatewayApiRouter.HttpRoutes, s.Namespace, Route, PatchType.Json, patch)).ValueOrThrow();
        await s.ApplyVerifiedAsync(Target(50, 0, Header("x-canary", Core.Model.MatchOperator.Exact, "yes")));
        Assert.Equal("10s", (string?)Rules(await s.GetAsync())[0]!["timeouts"]?["request"]); // the inserted rule follows the user's rule

        await s.RestoreVerifiedAsync();
        var expected = (JsonObject)original.DeepClone();
        ((JsonArray)expected["spec"]!["hostnames"]!).Add("www.shop.example");
        expected["spec"]!["rules"]![0]!["timeouts"] = new JsonObject { ["request"] = "10s" };
        expected["spec"]!["rules"]![1]!["backendRefs"]![0]!["port"] = 9090;
        Assert.Equal(Spec(expected), Spec(await s.GetAsync()));
    }

    [Fact]
    public async Task Restore_FreshRouterAndClient_RestoresFromWhatIsInTheCluster()
    {
        var s = await StartAsync(cluster, "gw-restart", OneRule);
        var original = await s.GetAsync();
        await s.ApplyVerifiedAsync(Target(40, 50, Cookie("user", "test-user")));

        using var client = new KubeClient(cluster.Config);
        var restarted = NewRouter();
        var outcome = await restarted.RestoreAsync(s.Context with { Client = client }, CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Error);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
        Assert.Equal(Spec(original), Spec(await s.GetAsync()));
    }

    [Fact]
    public async Task Apply_MissingHttpRoute_FailsNamingTheObjectAndTheSpecField()
    {
        var s = await StartAsync(cluster, "gw-missing");

        var outcome = await s.Router.ApplyAsync(s.Context, Target(10), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Contains($"HTTPRoute web not found in namespace {s.Namespace}", outcome.Error);
        Assert.Contains("spec.trafficRouting.gatewayAPI.httpRoute", outcome.Error);
    }

    [Fact]
    public async Task Restore_MissingHttpRoute_NotAnErrorButNeverVerified()
    {
        var s = await StartAsync(cluster, "gw-missing-restore");

        var outcome = await s.Router.RestoreAsync(s.Context, CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Error); // nothing to hand back
        Assert.False(outcome.State!.Verified); // but no object was read, so nothing holds a split (issue 11)
        Assert.True(outcome.State.Missing);
        Assert.Contains("HTTPRoute", outcome.State.Message);
        Assert.Contains("not found", outcome.State.Message);
    }

    [Fact]
    public async Task Apply_NoRuleSendsToStableService_FailsAndWritesNothing()
    {
        var s = await StartAsync(cluster, "gw-shape", """{"backendRefs":[{"name":"other","port":80}]}""");
        var before = await s.GetAsync();

        var outcome = await s.Router.ApplyAsync(s.Context, Target(10), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Contains("no rule has a backendRef to Service myapp", outcome.Error);
        Assert.Contains("nothing was written", outcome.Error);
        Assert.Equal(Version(before), Version(await s.GetAsync()));
    }
}
