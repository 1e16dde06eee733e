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
    public void Apply_SplitReadBackWithGatewayApiDefaults_NothingToChange()
    {
        var route = NewRoute("""[{"backendRefs":[{"name":"myapp","port":80}]}]""");
        var target = Target(30, 10, Header("x-canary", MatchOperator.Exact, "yes"));
        Assert.True(HttpRouteEdit.Apply(route, target, "ns").Changed);

        // What a cluster with the upstream CRD stores: every Service reference gets group "" and kind Service.
        foreach (var backendRef in route.DescendantRefs()) (backendRef["group"], backendRef["kind"]) = ("", "Service");

        var (again, error) = HttpRouteEdit.Apply(route, target, "ns");
        Assert.Null(error);
        Assert.False(again); // otherwise the split never verifies and the route is rewritten on every reconcile
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

internal static class HttpRouteJson
{
    /// <summary>Every backendRef of the rules and of their RequestMirror filters.</summary>
    public static IEnumerable<JsonObject> DescendantRefs(this JsonObject route)
    {
        foreach (var rule in (route["spec"]?["rules"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            foreach (var r in (rule["backendRefs"] as JsonArray)?.OfType<JsonObject>() ?? []) yield return r;
            foreach (var f in (rule["filters"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if (f["requestMirror"]?["backendRef"] is JsonObject m) yield return m;
            }
        }
    }
}
