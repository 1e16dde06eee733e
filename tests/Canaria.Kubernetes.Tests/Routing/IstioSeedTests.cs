using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.IstioTestBed;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The flows of seeds 001 (test users by cookie, then 50/50, then 100%) and 000 (subset weights with a DestinationRule).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class IstioSeedTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task ApplyAsync_Seed001TestUserCookieThenFiftyThenHundred_CookieRouteComesFirstAndRestoreGivesOriginal()
    {
        var bed = await StartAsync(cluster, rollout: "reviews");
        var original = (await bed.CreateVirtualServiceAsync("reviews", """
            hosts: [reviews]
            http:
            - name: reviews-default
              match:
              - uri: {prefix: /reviews}
              route:
              - destination: {host: reviews, port: {number: 9080}}
            """))["spec"]!.DeepClone();
        var router = new IstioRouter(new IstioRouting { VirtualService = "reviews" });
        var testUser = new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Value = "test-user" };

        var first = await ApplyOkAsync(router, bed.Context(), Target(0, [testUser], stable: "reviews"));
        Assert.Equal((0, 1), (first.CanaryWeight, first.Matches));
        var expected = original.DeepClone();
        ((JsonArray)expected["http"]!).Insert(0, Yaml("""
            name: canaria-reviews-0
            match:
            - uri: {prefix: /reviews}
              headers:
                cookie: {regex: "^(.*?; ?)?(user=test-user)(;.*)?$"}
            route:
            - destination: {host: reviews-canary, port: {number: 9080}}
            """));
        SameJson(expected, (await bed.VirtualServiceAsync("reviews"))["spec"]);

        var half = await ApplyOkAsync(router, bed.Context(), Target(50, stable: "reviews"));
        Assert.Equal((50, 0), (half.CanaryWeight, half.Matches));
        var http = (JsonArray)(await bed.VirtualServiceAsync("reviews"))["spec"]!["http"]!;
        Assert.Single(http);
        SameJson(Yaml("""
            - destination: {host: reviews, port: {number: 9080}}
              weight: 50
            - destination: {host: reviews-canary, port: {number: 9080}}
              weight: 50
            """), http[0]!["route"]);

        Assert.Equal(100, (await ApplyOkAsync(router, bed.Context(), Target(100, stable: "reviews"))).CanaryWeight);
        await RestoreOkAsync(router, bed.Context());
        SameJson(original, (await bed.VirtualServiceAsync("reviews"))["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_Seed000SubsetMode_SubsetsGetPodTemplateHashAndWeightsMoveBetweenThem()
    {
        var bed = await StartAsync(cluster);
        var fqdn = $"myapp-svc.{bed.Namespace}.svc.cluster.local";
        var vs = (await bed.CreateVirtualServiceAsync("myapp-vs", $$"""
            hosts: [myapp.com]
            gateways: [kubeflow/kubeflow-gateway]
            http:
            - route:
              - destination: {host: {{fqdn}}, subset: v2}
                weight: 90
              - destination: {host: {{fqdn}}, subset: v3}
                weight: 10
            """))["spec"]!.DeepClone();
        var dr = (await bed.CreateDestinationRuleAsync("myapp-dr", """
            host: myapp-svc
            subsets:
            - name: v2
              labels: {version: v2}
            - name: v3
              labels: {version: v3}
            """))["spec"]!.DeepClone();
        var router = new IstioRouter(new IstioRouting
        {
            VirtualService = "myapp-vs",
            DestinationRule = new IstioDestinationRule { Name = "myapp-dr", StableSubset = "v2", CanarySubset = "v3" },
        });

        Assert.Equal(0, (await ApplyOkAsync(router, bed.Context(), Target(0, stable: "myapp-svc"))).CanaryWeight);
        SameJson(Yaml("""
            - name: v2
              labels: {version: v2, pod-template-hash: stable7f9}
            - name: v3
              labels: {version: v3, pod-template-hash: canary5c4}
            """), (await bed.DestinationRuleAsync("myapp-dr"))["spec"]!["subsets"]);
        SameJson(Yaml($"[{{destination: {{host: {fqdn}, subset: v2}}}}]"), (await bed.VirtualServiceAsync("myapp-vs"))["spec"]!["http"]![0]!["route"]);

        foreach (var weight in new[] { 10, 50, 100 })
        {
            Assert.Equal(weight, (await ApplyOkAsync(router, bed.Context(), Target(weight, stable: "myapp-svc"))).CanaryWeight);
            SameJson(Yaml($$"""
                - destination: {host: {{fqdn}}, subset: v2}
                  weight: {{100 - weight}}
                - destination: {host: {{fqdn}}, subset: v3}
                  weight: {{weight}}
                """), (await bed.VirtualServiceAsync("myapp-vs"))["spec"]!["http"]![0]!["route"]);
        }

        await RestoreOkAsync(router, bed.Context());
        var restoredVs = await bed.VirtualServiceAsync("myapp-vs");
        var restoredDr = await bed.DestinationRuleAsync("myapp-dr");
        SameJson(vs, restoredVs["spec"]);
        SameJson(dr, restoredDr["spec"]);
        Assert.Null(Annotation(restoredVs));
        Assert.Null(Annotation(restoredDr));
    }

    [Fact]
    public async Task ApplyAsync_SubsetMissingFromDestinationRule_FailsNamingTheSubsetAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var vs = await bed.CreateVirtualServiceAsync("myapp", "http: [{route: [{destination: {host: myapp, subset: stable}}]}]");
        var dr = await bed.CreateDestinationRuleAsync("myapp", "host: myapp\nsubsets: [{name: stable, labels: {app: myapp}}]");
        var router = new IstioRouter(new IstioRouting
        {
            VirtualService = "myapp",
            DestinationRule = new IstioDestinationRule { Name = "myapp" },
        });

        var outcome = await router.ApplyAsync(bed.Context(), Target(10), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Contains("DestinationRule myapp has no subset 'canary' (spec.trafficRouting.istio.destinationRule.canarySubsetName)", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(vs), Version(await bed.VirtualServiceAsync()));
        Assert.Equal(Version(dr), Version(await bed.DestinationRuleAsync("myapp")));
    }
}
