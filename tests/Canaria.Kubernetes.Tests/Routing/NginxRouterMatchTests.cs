using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.RouterScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The ingress-nginx router's annotations for header and cookie matches, and what it refuses.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class NginxRouterMatchTests(ControlPlaneFixture cluster)
{
    private static readonly NginxRouting Config = new() { Ingress = "web" };
    private static readonly KubeResource Ingresses = NginxCanaryIngress.Ingresses;

    [Fact]
    public async Task ApplyAsync_HeaderExactThenPrefixThenRegexThenNone_WritesExactlyTheMatchingAnnotations()
    {
        var s = await StartAsync(cluster, "nginx-header");
        (await s.Client.CreateAsync(Ingresses, s.Namespace, NginxObjects.UserIngress())).ValueOrThrow();
        var router = new NginxRouter(Config);
        var steps = new (MatchSpec[] Matches, (string, string)[] Expected)[]
        {
            ([Header("x-user", MatchOperator.Exact, "test-user"), Cookie("canary")],
                [("canary-by-header", "x-user"), ("canary-by-header-value", "test-user"), ("canary-by-cookie", "canary")]),
            ([Header("x-version", MatchOperator.Prefix, "v1.2+(beta)")], [("canary-by-header", "x-version"), ("canary-by-header-pattern", @"^v1\.2\+\(beta\)")]),
            ([Header("x-version", MatchOperator.Regex, "beta|rc[0-9]")], [("canary-by-header", "x-version"), ("canary-by-header-pattern", "^(?:beta|rc[0-9])$")]),
            ([], []),
        };

        foreach (var (matches, expected) in steps)
        {
            AssertVerified(await router.ApplyAsync(s.Context, Target(0, matches), default), 0, matches.Length);
            var copy = (await s.GetAsync(Ingresses, "web-canary"))!;
            Assert.True(JsonNode.DeepEquals(NginxObjects.ExpectedAnnotations(0, expected), copy["metadata"]!["annotations"]), copy["metadata"]!["annotations"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task ApplyAsync_MissingUserIngress_FailsNamingTheIngressAndTheField()
    {
        var s = await StartAsync(cluster, "nginx-missing");

        var outcome = await new NginxRouter(Config).ApplyAsync(s.Context, Target(10), default);

        Assert.False(outcome.Ok);
        Assert.Equal($"Ingress web not found in namespace {s.Namespace} (spec.trafficRouting.nginx.ingress)", outcome.Error);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
        Assert.True((await new NginxRouter(Config).RestoreAsync(s.Context, default)).Ok);
    }

    [Fact]
    public async Task ApplyAsync_NoPathSendsToTheStableService_FailsAndCreatesNothing()
    {
        var s = await StartAsync(cluster, "nginx-nopath");
        var user = NginxObjects.UserIngress();
        user["spec"]!["rules"] = new JsonArray(NginxObjects.Rule("admin.example.com", NginxObjects.Path("/", "admin", NginxObjects.Number(80))));
        (await s.Client.CreateAsync(Ingresses, s.Namespace, user)).ValueOrThrow();

        var outcome = await new NginxRouter(Config).ApplyAsync(s.Context, Target(10), default);

        Assert.False(outcome.Ok);
        Assert.Contains("no path whose backend is the stable Service web", outcome.Error, StringComparison.Ordinal);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
    }

    [Fact]
    public async Task ApplyAsync_AnIngressNamedLikeTheCopyThatIsNotCanarias_FailsAndRestoreLeavesItAlone()
    {
        var s = await StartAsync(cluster, "nginx-foreign");
        (await s.Client.CreateAsync(Ingresses, s.Namespace, NginxObjects.UserIngress())).ValueOrThrow();
        var foreign = NginxObjects.UserIngress();
        foreign["metadata"] = new JsonObject { ["name"] = "web-canary" };
        var before = (await s.Client.CreateAsync(Ingresses, s.Namespace, foreign)).ValueOrThrow();

        var outcome = await new NginxRouter(Config).ApplyAsync(s.Context, Target(10), default);
        var restored = await new NginxRouter(Config).RestoreAsync(s.Context, default);

        Assert.False(outcome.Ok);
        Assert.Contains("not created by Canaria", outcome.Error, StringComparison.Ordinal);
        Assert.True(restored.Ok, restored.Error);
        Assert.True(JsonNode.DeepEquals(before, await s.GetAsync(Ingresses, "web-canary")));
    }

    [Fact]
    public async Task ApplyAsync_UsersIngressIsItselfACanary_Fails()
    {
        var s = await StartAsync(cluster, "nginx-self");
        var user = NginxObjects.UserIngress();
        user["metadata"]!["annotations"]![$"{NginxObjects.Prefix}/canary"] = "true";
        (await s.Client.CreateAsync(Ingresses, s.Namespace, user)).ValueOrThrow();

        var outcome = await new NginxRouter(Config).ApplyAsync(s.Context, Target(10), default);

        Assert.False(outcome.Ok);
        Assert.Contains("itself a canary Ingress", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("mirror")]
    [InlineData("cookie-value")]
    [InlineData("two-headers")]
    public async Task ApplyAsync_WhatIngressNginxCannotCarry_FailsWithoutWriting(string what)
    {
        var s = await StartAsync(cluster, "nginx-refuse");
        (await s.Client.CreateAsync(Ingresses, s.Namespace, NginxObjects.UserIngress())).ValueOrThrow();
        var target = what switch
        {
            "query" => Target(10, new MatchSpec { Kind = MatchKind.Query, Name = "canary", Operator = MatchOperator.Exact, Value = "1" }),
            "mirror" => Target(10) with { MirrorPercent = 10 },
            "cookie-value" => Target(10, Cookie("user", "test-user")),
            _ => Target(10, Header("a", MatchOperator.Exact, "1"), Header("b", MatchOperator.Exact, "2")),
        };

        var outcome = await new NginxRouter(Config).ApplyAsync(s.Context, target, default);

        Assert.False(outcome.Ok);
        Assert.Contains("ingress-nginx", outcome.Error, StringComparison.Ordinal);
        Assert.Null(await s.GetAsync(Ingresses, "web-canary"));
    }
}
