using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Controller;
using Canaria.Kubernetes.Tests.Routing;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>
/// Canaria owns the weights while it releases: a hand edit of the router's object (seed 003's TrafficSplit to 250/750, the
/// canary Ingress's weight) is found within the router check interval, reported (a Warning event naming the object, field and
/// both values, and the TrafficRouted condition) and Canaria's split is written back.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DriftTests(ControlPlaneFixture cluster)
{
    [Theory]
    [InlineData("smi")]
    [InlineData("nginx")]
    [InlineData("istio")]
    [InlineData("gatewayAPI")]
    public async Task HandEditedSplit_DuringPausedStep_ReportedAndRestored(string router)
    {
        var steps = new JsonArray(new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() });
        await using var r = await RoutedRelease.StartAsync(cluster, "drift-" + router.ToLowerInvariant(), [router], steps, options: FailureConditionTests.Fast);
        await r.SetImageAsync("app:v2");
        await r.WaitForStepAsync("step 1/1", 50);

        await EditAsync(r, router);

        await r.S.WaitForEventAsync("myapp", "SplitDrifted");
        var drift = Assert.Single(await r.S.EventsOfAsync("myapp", "Warning", "SplitDrifted"));
        var message = Objects.Str(drift, "message")!;
        var expected = router switch
        {
            "smi" => $"TrafficSplit myapp in namespace {r.Namespace} spec.backends was edited to myapp 250, myapp-canary 750; Canaria's split myapp 50, myapp-canary 50 is written back",
            "nginx" => $"Ingress myapp-canary in namespace {r.Namespace} annotation nginx.ingress.kubernetes.io/canary-weight was edited to 75; Canaria's 50 is written back",
            "istio" => $"VirtualService myapp in namespace {r.Namespace} spec.http routes were edited to canary weight 75% (0 test-user route(s), mirror 0%); Canaria's 50%",
            _ => $"HTTPRoute myapp in namespace {r.Namespace} spec.rules backendRefs were edited to canary weight 75% (0 test-user rule(s), mirror 0%); Canaria's 50% is written back",
        };
        Assert.Contains(expected, message, StringComparison.Ordinal);
        await Eventually.WaitAsync(async () => await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, router) == 50, RolloutScenario.Deadline, "Canaria's 50% written back");
        var status = await r.S.WaitForConditionAsync("myapp", "TrafficRouted", "True", "DriftRestored");
        Assert.Equal(50, Objects.Int(status, "status", "weight"));
        Assert.Contains("edited to", Objects.Str(RolloutScenario.Condition(status, "TrafficRouted"), "message"), StringComparison.Ordinal);
        Assert.Equal("Paused", Objects.Str(status, "status", "phase")); // the release itself goes on as it was
    }

    /// <summary>What a hand edit to 25/75 looks like on each router's object (seed 003's 250/750 on SMI).</summary>
    private static async Task EditAsync(RoutedRelease r, string router)
    {
        switch (router)
        {
            case "smi":
                (await r.Client.PatchAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp", PatchType.Merge,
                    SmiObjects.BackendsPatch(("myapp", 250), ("myapp-canary", 750)))).ValueOrThrow();
                break;
            case "nginx":
                (await r.Client.PatchAsync(DataPlanes.Ingresses, r.Namespace, "myapp-canary", PatchType.Merge, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["nginx.ingress.kubernetes.io/canary-weight"] = "75" } },
                })).ValueOrThrow();
                break;
            case "istio":
                (await r.Client.UpdateWithRetryAsync(DataPlanes.VirtualServices, r.Namespace, "myapp",
                    vs => Reweigh(vs["spec"]!["http"]!.AsArray().SelectMany(h => h!["route"]!.AsArray()), d => (string?)d["destination"]?["host"]))).ValueOrThrow();
                break;
            default:
                (await r.Client.UpdateWithRetryAsync(DataPlanes.HttpRoutes, r.Namespace, "myapp",
                    hr => Reweigh(hr["spec"]!["rules"]!.AsArray().SelectMany(x => x!["backendRefs"]!.AsArray()), b => (string?)b["name"]))).ValueOrThrow();
                break;
        }
    }

    private static bool Reweigh(IEnumerable<JsonNode?> entries, Func<JsonObject, string?> service)
    {
        foreach (var e in entries.OfType<JsonObject>())
            e["weight"] = service(e) switch { "myapp" => 25, "myapp-canary" => 75, _ => e["weight"]?.DeepClone() };
        return true;
    }
}
