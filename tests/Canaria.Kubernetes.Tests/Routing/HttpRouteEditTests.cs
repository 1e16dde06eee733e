using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Routing;
using static Canaria.Kubernetes.Tests.Routing.HttpRouteScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The router's pure edit of an HTTPRoute, on shapes an API server with Gateway API's defaults would never store.</summary>
public sealed class HttpRouteEditTests
{
    private static JsonObject NewRoute(string rules) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "web" },
        ["spec"] = new JsonObject { ["rules"] = JsonNode.Parse(rules) },
    };

    [Fact]
    public void Restore_BackendRefWithoutWeightOrMatches_ComesBackWithoutThem()
    {
        var route = NewRoute("""[{"backendRefs":[{"name":"myapp","port":80}]}]""");
        var original = Json(route);

        var (changed, error) = HttpRouteEdit.Apply(route, Target(30, 10, Header("x-canary", MatchOperator.Exact, "yes")), "ns");
        Assert.True(changed, error);
        Assert.Equal(70, (int)Rules(route)[1]!["backendRefs"]![0]!["weight"]!);
        Assert.Equal("/", (string?)Rules(route)[0]!["matches"]![0]!["path"]!["value"]); // no matches means every path

        Assert.True(HttpRouteEdit.Restore(route, "ns").Changed);
        Assert.Equal(original, Json(route));
    }

    [Fact]
    public void Apply_ConditionOnAHeaderTheRouteAlreadyTests_ErrorAndRouteUnchanged()
    {
        var route = NewRoute("""[{"matches":[{"headers":[{"type":"Exact","name":"X-Canary","value":"no"}]}],"backendRefs":[{"name":"myapp"}]}]""");
        var before = Json(route);

        var (changed, error) = HttpRouteEdit.Apply(route, Target(10, 0, Header("x-canary", MatchOperator.Exact, "yes")), "ns");

        Assert.False(changed);
        Assert.Contains("already tests header 'x-canary'", error);
        Assert.Equal(before, Json(route));
    }

    [Fact]
    public void Apply_BackendRefInAnotherNamespaceOrGroup_IsNotTheStableService()
    {
        var route = NewRoute("""
            [{"backendRefs":[{"name":"myapp","namespace":"other"}]},{"backendRefs":[{"name":"myapp","group":"example.com","kind":"Backend"}]}]
            """);

        var (changed, error) = HttpRouteEdit.Apply(route, Target(10), "ns");

        Assert.False(changed);
        Assert.Contains("no rule has a backendRef to Service myapp", error);
    }

    [Fact]
    public void Apply_RuleAlreadySendingToTheCanaryService_Refused()
    {
        var route = NewRoute("""[{"backendRefs":[{"name":"myapp"},{"name":"myapp-canary"}]}]""");

        var (changed, error) = HttpRouteEdit.Apply(route, Target(10), "ns");

        Assert.False(changed);
        Assert.Contains("already sends to Service myapp-canary", error);
    }

    [Fact]
    public void Apply_RecordForOtherServices_RefusedUntilRestored()
    {
        var route = NewRoute("""[{"backendRefs":[{"name":"myapp"}]}]""");
        Assert.True(HttpRouteEdit.Apply(route, Target(10), "ns").Changed);
        var other = Target(10) with { StableService = "shop", CanaryService = "shop-canary" };

        var (changed, error) = HttpRouteEdit.Apply(route, other, "ns");

        Assert.False(changed);
        Assert.Contains("restore that first", error);
    }

    [Fact]
    public void Apply_TooManyMatchesForOneRule_Refused()
    {
        var matches = new JsonArray(Enumerable.Range(0, 33).Select(i => (JsonNode)new JsonObject { ["path"] = new JsonObject { ["value"] = $"/p{i}" } }).ToArray());
        var route = NewRoute($$"""[{"matches":{{matches.ToJsonString()}},"backendRefs":[{"name":"myapp"}]}]""");

        var (changed, error) = HttpRouteEdit.Apply(route, Target(0, 0, Header("a", MatchOperator.Exact, "1"), Cookie("b", "2")), "ns");

        Assert.False(changed);
        Assert.Contains("more than the 64 matches", error);
    }

    [Fact]
    public void Apply_UserDeletedTheAnnotationsInsertedRuleContent_StillRemovedAsItSendsOnlyToTheCanary()
    {
        var route = NewRoute("""[{"backendRefs":[{"name":"myapp","port":80}]}]""");
        var original = Json(route);
        HttpRouteEdit.Apply(route, Target(10, 0, Cookie("user", "test-user")), "ns");
        Rules(route)[0]!["timeouts"] = new JsonObject { ["request"] = "1s" }; // someone edited the inserted rule

        HttpRouteEdit.Restore(route, "ns");

        Assert.Equal(original, Json(route));
    }
}
