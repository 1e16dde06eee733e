using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>A webhook gate in front of a traffic increase holds the router's weight itself, not only the step.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RoutedGateTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task PreTrafficIncrease_GateHeld_VirtualServiceKeepsZeroUntilItOpens()
    {
        var answer = 403;
        await using var hooks = await TestHttpServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = Volatile.Read(ref answer);
            return Task.CompletedTask;
        });
        JsonArray steps = [new JsonObject { ["traffic"] = 10, ["pause"] = new JsonObject() }];
        await using var r = await RoutedRelease.StartAsync(cluster, "routed-gate", ["istio"], steps, recreate: true,
            webhooks: new JsonArray(AnalysisObjects.Webhook("approve-traffic", "preTrafficIncrease", hooks.Url("/gate"))));
        await r.SetImageAsync("app:v2");

        await r.S.WaitForEventAsync("myapp", "GateHeld");
        var held = await r.S.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "canaria", "stepState") == "routingTraffic", "the step held at its traffic");
        Assert.Equal(0, Objects.Int(held, "status", "weight"));
        Assert.Equal(0, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, "istio"));
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4, ["app:v2"] = 1 }, "the canary pod running behind the held gate");
        Assert.Equal(0, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, "istio"));

        Volatile.Write(ref answer, 200);

        await r.WaitForStepAsync("step 1/1", 10);
        await r.S.WaitForEventAsync("myapp", "GateOpened");
    }
}
