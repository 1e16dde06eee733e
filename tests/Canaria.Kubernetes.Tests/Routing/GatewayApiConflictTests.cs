using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.HttpRouteScenario;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Another writer changes the HTTPRoute between the router's read and its write: the router's PUT gets 409 and starts over.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GatewayApiConflictTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task Apply_ConcurrentWriterBetweenReadAndWrite_RetriesFromFreshReadAndKeepsBothChanges()
    {
        var s = await StartAsync(cluster, "gw-conflict", GatewayApiRouterTests.OneRule);
        var original = await s.GetAsync();
        var writer = new PutCountingHandler(async () =>
        {
            var patch = new JsonObject { ["spec"] = new JsonObject { ["hostnames"] = new JsonArray("shop.example", "m.shop.example") } };
            (await s.Client.PatchAsync(GatewayApiRouter.HttpRoutes, s.Namespace, Route, PatchType.Merge, patch)).ValueOrThrow();
        });
        using var client = new KubeClient(cluster.Config, handler: writer);

        var outcome = await s.Router.ApplyAsync(s.Context with { Client = client }, Target(20), CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Error);
        Assert.True(outcome.State!.Verified, outcome.State.Message);
        Assert.Equal(2, writer.Puts);
        Assert.Equal(409, writer.FirstPutStatus);
        var route = await s.GetAsync();
        Assert.Equal(["shop.example", "m.shop.example"], ((JsonArray)route["spec"]!["hostnames"]!).Select(h => (string?)h));
        Assert.Equal(20, (int)Rules(route)[0]!["backendRefs"]![1]!["weight"]!);

        await s.RestoreVerifiedAsync();
        var expected = (JsonObject)original.DeepClone();
        expected["spec"]!["hostnames"] = new JsonArray("shop.example", "m.shop.example");
        Assert.Equal(Spec(expected), Spec(await s.GetAsync()));
    }
}
