using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>
/// A namespace with a real Rollout (so owner references resolve and the garbage collector leaves Canaria's objects
/// alone), the third-party CRDs installed, and a RouterContext for it. The stable Service is "web", the canary "web-canary".
/// </summary>
internal sealed record RouterScenario(KubeClient Client, string Namespace, RouterContext Context)
{
    public const string Stable = "web";
    public const string Canary = "web-canary";

    public static async Task<RouterScenario> StartAsync(ControlPlaneFixture cluster, string prefix, string rollout = "myapp")
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        await TestCrds.InstallAllAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var created = (await cluster.Client.CreateAsync(RolloutResource.Rollouts, ns, RolloutObjects.Rollout(rollout, "myapp"))).ValueOrThrow();
        return new RouterScenario(cluster.Client, ns, new RouterContext(cluster.Client, ns, created));
    }

    /// <summary>A scenario for the SMI router: the apex Service "web-apex" exists (without pods, as in seed 003).</summary>
    public static async Task<RouterScenario> StartSmiAsync(ControlPlaneFixture cluster, string prefix)
    {
        var s = await StartAsync(cluster, prefix);
        await s.CreateServiceAsync("web-apex");
        return s;
    }

    /// <summary>A ClusterIP Service of port 80 named <paramref name="name"/> (e.g. the SMI apex, which needs no pods).</summary>
    public async Task CreateServiceAsync(string name) =>
        (await Client.CreateAsync(KubeResource.Services, Namespace, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["app"] = name },
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80 }),
            },
        })).ValueOrThrow();

    /// <summary>The context of a second real Rollout in the same namespace.</summary>
    public async Task<RouterContext> AnotherRolloutAsync(string name)
    {
        var created = (await Client.CreateAsync(RolloutResource.Rollouts, Namespace, RolloutObjects.Rollout(name, name))).ValueOrThrow();
        return new RouterContext(Client, Namespace, created);
    }

    /// <summary>A client of the same cluster whose writes are counted (and, with <paramref name="interfere"/>, whose first PUT meets a concurrent write).</summary>
    public static (KubeClient Client, InterferingHandler Handler) Recording(ControlPlaneFixture cluster, Func<Task>? interfere = null)
    {
        var handler = new InterferingHandler(interfere);
        return (new KubeClient(cluster.Config, handler: handler), handler);
    }

    public string RolloutUid => (string)Context.Rollout["metadata"]!["uid"]!;

    /// <summary>The same scenario seen through another client (e.g. one whose requests a test interferes with).</summary>
    public RouterContext With(KubeClient client) => Context with { Client = client };

    public static RouteTarget Target(int weight, params MatchSpec[] matches) =>
        new() { StableService = Stable, CanaryService = Canary, CanaryWeight = weight, Matches = matches };

    public static MatchSpec Header(string name, MatchOperator op, string value) => new() { Kind = MatchKind.Header, Name = name, Operator = op, Value = value };

    public static MatchSpec Cookie(string name, string value = "always") => new() { Kind = MatchKind.Cookie, Name = name, Operator = MatchOperator.Exact, Value = value };

    public async Task<JsonObject?> GetAsync(KubeResource resource, string name)
    {
        var got = await Client.GetAsync(resource, Namespace, name);
        if (got.Error is { IsNotFound: true }) return null;
        return got.ValueOrThrow();
    }

    public static string ResourceVersion(JsonObject obj) => (string)obj["metadata"]!["resourceVersion"]!;

    /// <summary>Asserts an outcome is a verified state with the given weight and match count, and returns it.</summary>
    public static RouterState AssertVerified(RouterOutcome outcome, int weight, int matches = 0)
    {
        Assert.True(outcome.Ok, outcome.Error);
        Assert.NotNull(outcome.State);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
        Assert.Equal(weight, outcome.State.CanaryWeight);
        Assert.Equal(matches, outcome.State.Matches);
        Assert.Equal(0, outcome.State.MirrorPercent);
        return outcome.State;
    }
}
