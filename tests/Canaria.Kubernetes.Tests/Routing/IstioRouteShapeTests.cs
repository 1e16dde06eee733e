using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.IstioTestBed;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Which routes the Istio router touches, how it writes hosts, mirrors and test-user routes, and which shapes it refuses.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class IstioRouteShapeTests(ControlPlaneFixture cluster)
{
    private static readonly IstioRouting Config = new() { VirtualService = "myapp" };

    [Fact]
    public async Task ApplyAsync_TwoRoutesOnlyOneToTheService_OtherRouteUntouchedAndTestUserRouteBeforeTheWeightedOne()
    {
        var bed = await StartAsync(cluster);
        var original = (await bed.CreateVirtualServiceAsync("myapp", """
            hosts: [myapp.example.com]
            http:
            - name: legacy
              match: [{uri: {prefix: /legacy}}]
              route: [{destination: {host: legacy}}]
            - name: main
              retries: {attempts: 3}
              route: [{destination: {host: myapp}}]
            """))["spec"]!.DeepClone();
        var router = new IstioRouter(Config);

        var state = await ApplyOkAsync(router, bed.Context(), Target(30, [new MatchSpec { Kind = MatchKind.Header, Name = "X-User", Value = "tester" }]));

        Assert.Equal((30, 1), (state.CanaryWeight, state.Matches));
        SameJson(Yaml("""
            - name: legacy
              match: [{uri: {prefix: /legacy}}]
              route: [{destination: {host: legacy}}]
            - name: canaria-myapp-0
              match: [{headers: {x-user: {exact: tester}}}]
              retries: {attempts: 3}
              route: [{destination: {host: myapp-canary}}]
            - name: main
              retries: {attempts: 3}
              route: [{destination: {host: myapp}, weight: 70}, {destination: {host: myapp-canary}, weight: 30}]
            """), (await bed.VirtualServiceAsync())["spec"]!["http"]);
        await RestoreOkAsync(router, bed.Context());
        SameJson(original, (await bed.VirtualServiceAsync())["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_RoutesNamedInConfig_OnlyThoseAreWeightedAndAnUnknownNameIsAnError()
    {
        var bed = await StartAsync(cluster);
        await bed.CreateVirtualServiceAsync("myapp", """
            http:
            - name: api
              match: [{uri: {prefix: /api}}]
              route: [{destination: {host: myapp}}]
            - name: web
              route: [{destination: {host: myapp}}]
            """);

        await ApplyOkAsync(new IstioRouter(Config with { Routes = ["api"] }), bed.Context(), Target(25));
        var http = (JsonArray)(await bed.VirtualServiceAsync())["spec"]!["http"]!;
        SameJson(Yaml("[{destination: {host: myapp}, weight: 75}, {destination: {host: myapp-canary}, weight: 25}]"), http[0]!["route"]);
        SameJson(Yaml("[{destination: {host: myapp}}]"), http[1]!["route"]);

        var unknown = await new IstioRouter(Config with { Routes = ["checkout"] }).ApplyAsync(bed.Context(), Target(25), CancellationToken.None);
        Assert.Equal("VirtualService myapp has no HTTP route named 'checkout' (spec.trafficRouting.istio.virtualService.routes)", unknown.Error);
    }

    [Fact]
    public async Task ApplyAsync_MirrorPercent_MirrorsToTheCanaryAndZeroTakesTheMirrorAway()
    {
        var bed = await StartAsync(cluster);
        var original = (await bed.CreateVirtualServiceAsync("myapp", "http: [{route: [{destination: {host: myapp, port: {number: 8080}}}]}]"))["spec"]!.DeepClone();
        var router = new IstioRouter(Config);

        var mirrored = await ApplyOkAsync(router, bed.Context(), Target(10, mirror: 25));
        Assert.Equal((10, 25), (mirrored.CanaryWeight, mirrored.MirrorPercent));
        var route = (await bed.VirtualServiceAsync())["spec"]!["http"]![0]!;
        SameJson(Yaml("{host: myapp-canary, port: {number: 8080}}"), route["mirror"]);
        SameJson(Yaml("{value: 25}"), route["mirrorPercentage"]);

        var plain = await ApplyOkAsync(router, bed.Context(), Target(10));
        Assert.Equal(0, plain.MirrorPercent);
        route = (await bed.VirtualServiceAsync())["spec"]!["http"]![0]!;
        Assert.Null(route["mirror"]);
        Assert.Null(route["mirrorPercentage"]);

        await RestoreOkAsync(router, bed.Context());
        SameJson(original, (await bed.VirtualServiceAsync())["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_FullyQualifiedAndNamespacedHosts_CanaryHostWrittenInTheSameForm()
    {
        var bed = await StartAsync(cluster);
        var ns = bed.Namespace;
        var original = (await bed.CreateVirtualServiceAsync("myapp", $"""
            http:
            - name: fqdn
              match:
              - uri:
                  prefix: /a
              route:
              - destination:
                  host: myapp.{ns}.svc.cluster.local
                  port:
                    number: 80
            - name: short
              match:
              - uri:
                  prefix: /b
              route:
              - destination:
                  host: myapp.{ns}
            - name: elsewhere
              route:
              - destination:
                  host: myapp.other.svc.cluster.local
            """))["spec"]!.DeepClone();
        var router = new IstioRouter(Config);

        await ApplyOkAsync(router, bed.Context(), Target(40));

        var http = (JsonArray)(await bed.VirtualServiceAsync())["spec"]!["http"]!;
        SameJson(Yaml($"""
            - destination:
                host: myapp.{ns}.svc.cluster.local
                port:
                  number: 80
              weight: 60
            - destination:
                host: myapp-canary.{ns}.svc.cluster.local
                port:
                  number: 80
              weight: 40
            """), http[0]!["route"]);
        SameJson(Yaml($"[{{destination: {{host: myapp.{ns}}}, weight: 60}}, {{destination: {{host: myapp-canary.{ns}}}, weight: 40}}]"), http[1]!["route"]);
        SameJson(original["http"]![2], http[2]);
        await RestoreOkAsync(router, bed.Context());
        SameJson(original, (await bed.VirtualServiceAsync())["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_VirtualServiceWrittenAsV1alpha3_IsSplitThroughV1beta1()
    {
        var bed = await StartAsync(cluster);
        var v1alpha3 = IstioResources.VirtualServices with { Version = "v1alpha3" };
        (await bed.Client.CreateAsync(v1alpha3, bed.Namespace, (JsonObject)Yaml("""
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: myapp}
            spec:
              http: [{route: [{destination: {host: myapp}}]}]
            """)!)).ValueOrThrow();

        await ApplyOkAsync(new IstioRouter(Config), bed.Context(), Target(20));

        var readOld = (await bed.Client.GetAsync(v1alpha3, bed.Namespace, "myapp")).ValueOrThrow();
        SameJson(Yaml("[{destination: {host: myapp}, weight: 80}, {destination: {host: myapp-canary}, weight: 20}]"), readOld["spec"]!["http"]![0]!["route"]);
    }

    [Fact]
    public async Task ApplyAsync_WeightedRouteWithTwoMatchItems_EachTestUserRouteKeepsBothWithTheTestCondition()
    {
        var bed = await StartAsync(cluster);
        await bed.CreateVirtualServiceAsync("myapp", """
            http:
            - name: main
              match: [{uri: {prefix: /a}}, {uri: {exact: /b}, method: {exact: GET}}]
              route: [{destination: {host: myapp}}]
            """);

        var state = await ApplyOkAsync(new IstioRouter(Config), bed.Context(), Target(0,
        [
            new MatchSpec { Kind = MatchKind.Query, Name = "beta", Operator = MatchOperator.Prefix, Value = "y" },
            new MatchSpec { Kind = MatchKind.Header, Name = "x-tier", Operator = MatchOperator.Regex, Value = "gold|silver" },
        ]));

        Assert.Equal((0, 2), (state.CanaryWeight, state.Matches));
        var http = (JsonArray)(await bed.VirtualServiceAsync())["spec"]!["http"]!;
        SameJson(Yaml("""
            - name: canaria-myapp-0
              match: [{uri: {prefix: /a}, queryParams: {beta: {regex: "y.*"}}}, {uri: {exact: /b}, method: {exact: GET}, queryParams: {beta: {regex: "y.*"}}}]
              route: [{destination: {host: myapp-canary}}]
            - name: canaria-myapp-1
              match: [{uri: {prefix: /a}, headers: {x-tier: {regex: "gold|silver"}}}, {uri: {exact: /b}, method: {exact: GET}, headers: {x-tier: {regex: "gold|silver"}}}]
              route: [{destination: {host: myapp-canary}}]
            - name: main
              match: [{uri: {prefix: /a}}, {uri: {exact: /b}, method: {exact: GET}}]
              route: [{destination: {host: myapp}}]
            """), http);
    }
}
