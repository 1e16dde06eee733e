using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>One namespace with the Gateway API CRD installed, a user's HTTPRoute "web" in it, and a router for it.</summary>
internal sealed class HttpRouteScenario
{
    public const string Route = "web";
    public const string Stable = "myapp";
    public const string Canary = "myapp-canary";

    private HttpRouteScenario(KubeClient client, string ns)
    {
        Client = client;
        Namespace = ns;
        Context = new RouterContext(client, ns, new JsonObject
        {
            ["apiVersion"] = RolloutResource.Rollouts.ApiVersion,
            ["kind"] = RolloutResource.Rollouts.Kind,
            ["metadata"] = new JsonObject { ["name"] = Stable, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString() },
        });
    }

    public KubeClient Client { get; }
    public string Namespace { get; }
    public RouterContext Context { get; }
    public GatewayApiRouter Router { get; } = NewRouter();

    public static GatewayApiRouter NewRouter() => new(new GatewayApiRouting { HttpRoute = Route });

    /// <summary>A namespace and, when rules are given, the HTTPRoute with them (as the user wrote it).</summary>
    public static async Task<HttpRouteScenario> StartAsync(ControlPlaneFixture cluster, string prefix, params string[] rules)
    {
        await TestCrds.InstallAllAsync(cluster.Client);
        var s = new HttpRouteScenario(cluster.Client, await cluster.CreateNamespaceAsync(prefix));
        // "Established" can come a moment before the API server serves the new resource's path.
        await Eventually.WaitAsync(async () => (await s.Client.ListAsync(GatewayApiRouter.HttpRoutes, s.Namespace)).IsSuccess,
            TimeSpan.FromSeconds(30), "HTTPRoutes to be served");
        if (rules.Length > 0)
        {
            var route = new JsonObject
            {
                ["apiVersion"] = "gateway.networking.k8s.io/v1",
                ["kind"] = "HTTPRoute",
                ["metadata"] = new JsonObject { ["name"] = Route, ["labels"] = new JsonObject { ["team"] = "shop" } },
                ["spec"] = new JsonObject
                {
                    ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "public" }),
                    ["hostnames"] = new JsonArray("shop.example"),
                    ["rules"] = new JsonArray(rules.Select(r => JsonNode.Parse(r)).ToArray()),
                },
            };
            (await s.Client.CreateAsync(GatewayApiRouter.HttpRoutes, s.Namespace, route)).ValueOrThrow();
        }
        return s;
    }

    public async Task<JsonObject> GetAsync() => (await Client.GetAsync(GatewayApiRouter.HttpRoutes, Namespace, Route)).ValueOrThrow();

    public static RouteTarget Target(int weight, int mirror = 0, params MatchSpec[] matches) =>
        new() { StableService = Stable, CanaryService = Canary, CanaryWeight = weight, MirrorPercent = mirror, Matches = matches };

    public static MatchSpec Header(string name, MatchOperator op, string value) => new() { Kind = MatchKind.Header, Name = name, Operator = op, Value = value };
    public static MatchSpec Cookie(string name, string value) => new() { Kind = MatchKind.Cookie, Name = name, Operator = MatchOperator.Exact, Value = value };
    public static MatchSpec Query(string name, string value) => new() { Kind = MatchKind.Query, Name = name, Operator = MatchOperator.Exact, Value = value };

    /// <summary>Applies and asserts the outcome is verified with exactly the target.</summary>
    public async Task<RouterState> ApplyVerifiedAsync(RouteTarget target)
    {
        var outcome = await Router.ApplyAsync(Context, target, CancellationToken.None);
        Assert.True(outcome.Ok, outcome.Error);
        var state = outcome.State!;
        Assert.True(state.Verified, state.Message);
        Assert.Equal((target.CanaryWeight, target.Matches.Count, target.MirrorPercent), (state.CanaryWeight, state.Matches, state.MirrorPercent));
        return state;
    }

    public async Task RestoreVerifiedAsync(GatewayApiRouter? router = null)
    {
        var outcome = await (router ?? Router).RestoreAsync(Context, CancellationToken.None);
        Assert.True(outcome.Ok, outcome.Error);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
    }

    public static string Spec(JsonObject route) => CanonicalJson.Of(route["spec"]);
    public static string Json(JsonNode? node) => CanonicalJson.Of(node);
    public static string Json(string json) => CanonicalJson.Of(JsonNode.Parse(json));
    public static JsonArray Rules(JsonObject route) => (JsonArray)route["spec"]!["rules"]!;
    public static string Version(JsonObject route) => (string)route["metadata"]!["resourceVersion"]!;
    public static string? Original(JsonObject route) => (string?)route["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation];
}
