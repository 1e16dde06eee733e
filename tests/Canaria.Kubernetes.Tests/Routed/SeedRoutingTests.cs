using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>The seeds' own flows with a router: 001 (Istio, test-user cookie first), 003 (SMI, a user's TrafficSplit), 002 (blue-green with ingress-nginx).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SeedRoutingTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task Seed001_IstioCookieThenFiftyThenAll_TestUserRouteFirstAndV1Removed()
    {
        JsonArray steps =
        [
            new JsonObject
            {
                ["traffic"] = 0,
                ["matches"] = new JsonArray(new JsonObject { ["cookie"] = new JsonObject { ["name"] = "user", ["exact"] = "test-user" } }),
                ["pause"] = new JsonObject(),
            },
            new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() },
        ];
        await using var r = await RoutedRelease.StartAsync(cluster, "seed001", ["istio"], steps);
        var original = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio");
        await r.SetImageAsync("app:v2");

        await r.WaitForStepAsync("step 1/2", 0);
        var http = (await r.Client.GetAsync(DataPlanes.VirtualServices, r.Namespace, "myapp")).ValueOrThrow()["spec"]!["http"]!.AsArray();
        Assert.Equal(2, http.Count);
        var testUsers = http[0]!.AsObject();
        Assert.Equal("myapp-canary", (string?)testUsers["route"]![0]!["destination"]!["host"]);
        var cookie = (string?)testUsers["match"]![0]!["headers"]!["cookie"]!["regex"];
        Assert.Matches(new Regex(cookie!), "theme=dark; user=test-user");
        Assert.DoesNotMatch(new Regex(cookie!), "user=test-user2");
        Assert.DoesNotMatch(new Regex(cookie!), "theme=dark");
        Assert.Equal("primary", (string?)http[1]!["name"]); // the weighted route comes after: the test-user rule has precedence

        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 50);
        Assert.Single((await r.Client.GetAsync(DataPlanes.VirtualServices, r.Namespace, "myapp")).ValueOrThrow()["spec"]!["http"]!.AsArray());
        await r.S.CommandAsync("myapp", "promote 2");

        await r.WaitForRestoredAsync("Healthy", "100% then the VirtualService handed back");
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 4 }, "v1 removed");
        Assert.Equal(original!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio"))!.ToJsonString());
    }

    [Fact]
    public async Task Seed004Shadow_IstioMirrorThirty_CopiesOnTheRouteThenGoneAtTheNextStep()
    {
        JsonArray steps =
        [
            new JsonObject { ["traffic"] = 0, ["mirror"] = 30, ["pause"] = new JsonObject() },
            new JsonObject { ["traffic"] = 50, ["mirror"] = 0, ["pause"] = new JsonObject() },
        ];
        await using var r = await RoutedRelease.StartAsync(cluster, "shadow", ["istio"], steps);
        var original = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio");
        await r.SetImageAsync("app:v2");

        var shadow = await r.WaitForStepAsync("step 1/2", 0);
        Assert.Equal(30, Objects.Int(shadow, "status", "trafficRouting", "applied", "mirrorPercent"));
        var route = (await r.Client.GetAsync(DataPlanes.VirtualServices, r.Namespace, "myapp")).ValueOrThrow()["spec"]!["http"]![0]!;
        Assert.Equal("myapp-canary", Objects.Str(route, "mirror", "host"));
        Assert.Equal(30, route["mirrorPercentage"]!["value"]!.GetValue<double>());

        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 50);
        route = (await r.Client.GetAsync(DataPlanes.VirtualServices, r.Namespace, "myapp")).ValueOrThrow()["spec"]!["http"]![0]!;
        Assert.Null(route["mirror"]);
        await r.S.CommandAsync("myapp", "abort 1");

        await r.WaitForRestoredAsync("Aborted", "the abort and the hand-back");
        Assert.Equal(original!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "istio"))!.ToJsonString());
    }

    [Fact]
    public async Task Seed003_UsersTrafficSplitFiftyThenSeventyFive_ReadBackAndRestoredExactly()
    {
        JsonArray steps = [new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() }, new JsonObject { ["traffic"] = 75, ["pause"] = new JsonObject() }];
        var split = (JsonObject)YamlJson.Parse("""
            apiVersion: split.smi-spec.io/v1alpha2
            kind: TrafficSplit
            metadata: {name: myapp}
            spec:
              service: myapp-apex
              backends: [{service: myapp, weight: 1000}]
            """)!;
        await using var r = await RoutedRelease.StartAsync(cluster, "seed003", ["smi"], steps, beforeRollout: (c, ns) => c.CreateAsync(DataPlanes.TrafficSplits, ns, split));
        var original = (await r.Client.GetAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp")).ValueOrThrow()["spec"]!.ToJsonString();
        await r.SetImageAsync("app:v2");

        await r.WaitForStepAsync("step 1/2", 50);
        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 75);
        await r.S.CommandAsync("myapp", "promote 2");

        await r.WaitForRestoredAsync("Healthy", "0/1 then the user's TrafficSplit handed back");
        var after = (await r.Client.GetAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(original, after["spec"]!.ToJsonString());
        Assert.Null(Objects.Str(after, "metadata", "annotations", "canaria.dev/original"));
    }

    [Fact]
    public async Task Seed003_WeightsFiveHundredThenTwoFiftySevenFifty_TrafficSplitHoldsTheWeightsAsWritten()
    {
        JsonArray steps =
        [
            new JsonObject { ["weights"] = new JsonObject { ["stable"] = 500, ["canary"] = 500 }, ["pause"] = new JsonObject() },
            new JsonObject { ["weights"] = new JsonObject { ["stable"] = 250, ["canary"] = 750 }, ["pause"] = new JsonObject() },
        ];
        await using var r = await RoutedRelease.StartAsync(cluster, "seed003w", ["smi"], steps);
        await r.SetImageAsync("app:v2");

        foreach (var (step, stable, canary, percent) in new[] { ("step 1/2", 500, 500, 50), ("step 2/2", 250, 750, 75) })
        {
            var rollout = await r.WaitForStepAsync(step, percent);
            var split = (await r.Client.GetAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp")).ValueOrThrow();
            var backends = split["spec"]!["backends"]!.AsArray();
            Assert.Equal(stable, backends.Single(b => (string?)b!["service"] == "myapp")!["weight"]!.GetValue<int>());
            Assert.Equal(canary, backends.Single(b => (string?)b!["service"] == "myapp-canary")!["weight"]!.GetValue<int>());
            Assert.Equal(stable, rollout["status"]!["trafficRouting"]!["applied"]!["weights"]!["stable"]!.GetValue<int>());
            Assert.Contains($"{stable}/{canary} ({percent}%)", Objects.Str(rollout, "status", "message"), StringComparison.Ordinal);
            await r.S.CommandAsync("myapp", $"promote {step[5]}");
        }

        await r.WaitForRestoredAsync("Healthy", "full promotion, then the created TrafficSplit removed");
        Assert.False((await r.Client.GetAsync(DataPlanes.TrafficSplits, r.Namespace, "myapp")).IsSuccess);
    }

    [Fact]
    public async Task Seed002_BlueGreenWithIngressNginx_GreenFullSizeThenFiftyThenAllAndBlueRemoved()
    {
        JsonArray steps =
        [
            new JsonObject { ["replicas"] = "100%", ["traffic"] = 0, ["pause"] = new JsonObject() },
            new JsonObject { ["traffic"] = 50, ["pause"] = new JsonObject() },
        ];
        await using var r = await RoutedRelease.StartAsync(cluster, "seed002", ["nginx"], steps, blueGreen: true, replicas: 2);
        var ingress = await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "nginx");
        await r.SetImageAsync("app:v2");

        await r.WaitForStepAsync("step 1/2", 0);
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 2, ["app:v2"] = 2 }, "green at full size behind blue");
        await r.S.CommandAsync("myapp", "promote 1");
        await r.WaitForStepAsync("step 2/2", 50);
        await r.S.CommandAsync("myapp", "promote 2");

        await r.WaitForRestoredAsync("Healthy", "green serving and the canary Ingress removed");
        await r.S.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2 }, "blue removed after the delay");
        Assert.Equal(ingress!.ToJsonString(), (await DataPlanes.UserSpecAsync(r.Client, r.Namespace, "nginx"))!.ToJsonString());
        Assert.False((await r.Client.GetAsync(DataPlanes.Ingresses, r.Namespace, "myapp-canary")).IsSuccess);
    }
}
