using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Canaria.Core.Model;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.HttpRouteScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Test users as inserted rules, mirroring, and routes with several rules (seed 001: a cookie rule before any weight).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GatewayApiMatchTests(ControlPlaneFixture cluster)
{
    private const string ApiRule = """{"matches":[{"path":{"type":"PathPrefix","value":"/api"}}],"backendRefs":[{"name":"myapp","port":80}]}""";
    private const string ToCanary = """[{"kind":"Service","name":"myapp-canary","port":80,"weight":100}]""";

    private static string TestUserRule(string condition) => Json(
        $$"""{"matches":[{"path":{"type":"PathPrefix","value":"/api"},{{condition}}}],"backendRefs":{{ToCanary}}}""");

    [Fact]
    public async Task Apply_HeaderExactMatch_InsertsTestUserRuleBeforeTheSplitRule()
    {
        var s = await StartAsync(cluster, "gw-header", ApiRule);
        var original = await s.GetAsync();

        await s.ApplyVerifiedAsync(Target(0, 0, Header("x-canary", MatchOperator.Exact, "yes")));

        var rules = Rules(await s.GetAsync());
        Assert.Equal(2, rules.Count);
        Assert.Equal(TestUserRule("""
            "headers":[{"type":"Exact","name":"x-canary","value":"yes"}]
            """), Json(rules[0]));
        Assert.Equal(100, (int)rules[1]!["backendRefs"]![0]!["weight"]!);
        Assert.Equal(0, (int)rules[1]!["backendRefs"]![1]!["weight"]!);
        await s.RestoreVerifiedAsync();
        Assert.Equal(Spec(original), Spec(await s.GetAsync()));
    }

    [Fact]
    public async Task Apply_HeaderPrefixMatch_InsertsAnAnchoredEscapedRegex()
    {
        var s = await StartAsync(cluster, "gw-prefix", ApiRule);

        await s.ApplyVerifiedAsync(Target(10, 0, Header("x-version", MatchOperator.Prefix, "v1.2+")));

        var header = Rules(await s.GetAsync())[0]!["matches"]![0]!["headers"]![0]!;
        Assert.Equal("RegularExpression", (string?)header["type"]);
        Assert.Equal(@"^v1\.2\+.*$", (string?)header["value"]);
        var regex = new Regex((string)header["value"]!);
        Assert.Matches(regex, "v1.2+beta");
        Assert.DoesNotMatch(regex, "v1x2+beta");
        Assert.DoesNotMatch(regex, "xv1.2+");
    }

    [Fact]
    public async Task Apply_CookieMatch_InsertsACookieHeaderRegexForThatCookieOnly()
    {
        var s = await StartAsync(cluster, "gw-cookie", ApiRule);

        await s.ApplyVerifiedAsync(Target(0, 0, Cookie("user", "test-user")));

        var header = Rules(await s.GetAsync())[0]!["matches"]![0]!["headers"]![0]!;
        Assert.Equal(("RegularExpression", "Cookie"), ((string?)header["type"], (string?)header["name"]));
        var regex = new Regex((string)header["value"]!);
        Assert.Matches(regex, "user=test-user");
        Assert.Matches(regex, "theme=dark; user=test-user; lang=zh");
        Assert.DoesNotMatch(regex, "user=test-user2");
        Assert.DoesNotMatch(regex, "xuser=test-user");
        Assert.DoesNotMatch(regex, "theme=user=test-user");
    }

    [Fact]
    public async Task Apply_TwoMatchesTimesTwoConditions_EveryMatchAndedWithEveryCondition()
    {
        var s = await StartAsync(cluster, "gw-product",
            """{"matches":[{"path":{"type":"PathPrefix","value":"/api"}},{"path":{"type":"Exact","value":"/login"},"method":"POST"}],"backendRefs":[{"name":"myapp","port":80}]}""");

        await s.ApplyVerifiedAsync(Target(5, 0, Query("canary", "1"), Header("x-canary", MatchOperator.Regex, "yes|true")));

        var matches = (JsonArray)Rules(await s.GetAsync())[0]!["matches"]!;
        Assert.Equal(4, matches.Count);
        Assert.Equal(Json("""{"path":{"type":"Exact","value":"/login"},"method":"POST","queryParams":[{"type":"Exact","name":"canary","value":"1"}]}"""), Json(matches[2]));
        Assert.Equal("^(?:yes|true)$", (string?)matches[3]!["headers"]![0]!["value"]);
    }

    [Fact]
    public async Task Apply_Mirror_AddsRequestMirrorFilterBesideTheUsersFiltersAndRestoreRemovesIt()
    {
        var s = await StartAsync(cluster, "gw-mirror",
            """{"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"x-env","value":"prod"}]}}],"backendRefs":[{"name":"myapp","port":80}]}""");
        var original = await s.GetAsync();
        var userFilter = Json(original["spec"]!["rules"]![0]!["filters"]![0]);

        await s.ApplyVerifiedAsync(Target(0, 20));
        var filters = (JsonArray)Rules(await s.GetAsync())[0]!["filters"]!;
        Assert.Equal(userFilter, Json(filters[0]));
        Assert.Equal(Json("""{"type":"RequestMirror","requestMirror":{"backendRef":{"kind":"Service","name":"myapp-canary","port":80},"percent":20}}"""), Json(filters[1]));

        await s.ApplyVerifiedAsync(Target(10, 100));
        filters = (JsonArray)Rules(await s.GetAsync())[0]!["filters"]!;
        Assert.Equal(2, filters.Count);
        Assert.Null(filters[1]!["requestMirror"]!["percent"]); // a full mirror works on releases without percent

        await s.RestoreVerifiedAsync();
        Assert.Equal(Spec(original), Spec(await s.GetAsync()));
    }

    [Fact]
    public async Task Apply_RuleNotSendingToTheService_StaysUntouched()
    {
        const string Other = """{"matches":[{"path":{"type":"PathPrefix","value":"/static"}}],"backendRefs":[{"name":"assets","port":8080,"weight":3}]}""";
        var s = await StartAsync(cluster, "gw-untouched", Other, ApiRule);
        var untouched = Json((await s.GetAsync())["spec"]!["rules"]![0]);

        await s.ApplyVerifiedAsync(Target(25, 10, Header("x-canary", MatchOperator.Exact, "yes")));

        var rules = Rules(await s.GetAsync());
        Assert.Equal(3, rules.Count);
        Assert.Equal(untouched, Json(rules[0]));
        Assert.Equal(TestUserRule("""
            "headers":[{"type":"Exact","name":"x-canary","value":"yes"}]
            """), Json(rules[1]));
    }

    [Fact]
    public async Task Apply_TwoRulesSendToTheService_BothSplitOtherBackendKeepsItsShareAndRestoreIsExact()
    {
        var s = await StartAsync(cluster, "gw-two", ApiRule,
            """{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"myapp","port":80},{"name":"legacy","port":80}]}""");
        var original = await s.GetAsync();

        await s.ApplyVerifiedAsync(Target(30, 0, Header("x-canary", MatchOperator.Exact, "yes")));

        var rules = Rules(await s.GetAsync());
        Assert.Equal(4, rules.Count);
        Assert.Equal("myapp-canary", (string?)rules[0]!["backendRefs"]![0]!["name"]);
        Assert.Equal("myapp-canary", (string?)rules[2]!["backendRefs"]![0]!["name"]);
        Assert.Equal(Json("""
            [{"kind":"Service","name":"myapp","port":80,"weight":70},{"kind":"Service","name":"myapp-canary","port":80,"weight":30},
             {"kind":"Service","name":"legacy","port":80,"weight":100}]
            """), Json(rules[3]!["backendRefs"]));
        await s.RestoreVerifiedAsync();
        Assert.Equal(Spec(original), Spec(await s.GetAsync()));
    }
}
