using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>One namespace with the Istio CRDs installed, the user's Istio objects in it, and the calls the Istio tests repeat.</summary>
internal sealed class IstioTestBed(ControlPlaneFixture cluster, string ns, string rollout = "myapp")
{
    public string Namespace => ns;
    public KubeClient Client => cluster.Client;

    public static async Task<IstioTestBed> StartAsync(ControlPlaneFixture cluster, string rollout = "myapp")
    {
        await TestCrds.InstallAllAsync(cluster.Client);
        return new IstioTestBed(cluster, await cluster.CreateNamespaceAsync("istio"), rollout);
    }

    public RouterContext Context(KubeClient? client = null) => new(client ?? Client, ns, new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = rollout, ["uid"] = "4f7c1c2e-0000-4000-8000-000000000001" },
    });

    public static RouteTarget Target(int weight, IReadOnlyList<MatchSpec>? matches = null, int mirror = 0, string stable = "myapp") => new()
    {
        StableService = stable,
        CanaryService = stable + "-canary",
        CanaryWeight = weight,
        Matches = matches ?? [],
        MirrorPercent = mirror,
        StablePodHash = "stable7f9",
        CanaryPodHash = "canary5c4",
    };

    /// <summary>Creates a VirtualService (spec written as YAML) and returns it as stored.</summary>
    public Task<JsonObject> CreateVirtualServiceAsync(string name, string specYaml) => CreateAsync(IstioResources.VirtualServices, "VirtualService", name, specYaml);

    public Task<JsonObject> CreateDestinationRuleAsync(string name, string specYaml) => CreateAsync(IstioResources.DestinationRules, "DestinationRule", name, specYaml);

    public async Task<JsonObject> GetAsync(KubeResource resource, string name) => (await Client.GetAsync(resource, ns, name)).ValueOrThrow();

    public Task<JsonObject> VirtualServiceAsync(string name = "myapp") => GetAsync(IstioResources.VirtualServices, name);

    public Task<JsonObject> DestinationRuleAsync(string name) => GetAsync(IstioResources.DestinationRules, name);

    public static async Task<RouterState> ApplyOkAsync(ITrafficRouter router, RouterContext context, RouteTarget target)
    {
        var outcome = await router.ApplyAsync(context, target, CancellationToken.None);
        Assert.True(outcome.Ok, outcome.Error);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
        return outcome.State;
    }

    public static async Task RestoreOkAsync(ITrafficRouter router, RouterContext context)
    {
        var outcome = await router.RestoreAsync(context, CancellationToken.None);
        Assert.True(outcome.Ok, outcome.Error);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
    }

    public static JsonNode? Yaml(string yaml) => YamlJson.Parse(yaml);

    public static string? Annotation(JsonObject obj) => (string?)obj["metadata"]?["annotations"]?[RouterContext.OriginalAnnotation];

    public static string Version(JsonObject obj) => (string)obj["metadata"]!["resourceVersion"]!;

    /// <summary>Asserts two JSON trees are equal whatever the order of object keys (the API server sorts them).</summary>
    public static void SameJson(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
            Assert.Fail($"JSON differs.\nexpected: {expected?.ToJsonString()}\nactual:   {actual?.ToJsonString()}");
    }

    private async Task<JsonObject> CreateAsync(KubeResource resource, string kind, string name, string specYaml)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = resource.ApiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = YamlJson.Parse(specYaml),
        };
        return (await Client.CreateAsync(resource, ns, obj)).ValueOrThrow();
    }
}
