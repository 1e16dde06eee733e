using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.IstioTestBed;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The Istio router's contract against a real API server: host mode on one route to the stable Service.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class IstioRouterTests(ControlPlaneFixture cluster)
{
    private const string Spec = """
        hosts: [myapp.example.com]
        gateways: [istio-system/public]
        http:
        - name: primary
          match:
          - uri: {prefix: /}
          route:
          - destination: {host: myapp, port: {number: 80}}
          timeout: 10s
        """;

    private static readonly IstioRouting Config = new() { VirtualService = "myapp" };

    private static JsonNode Split(int weight) => Yaml($"""
        - destination: {"{"}host: myapp, port: {"{"}number: 80{"}"}{"}"}
          weight: {100 - weight}
        - destination: {"{"}host: myapp-canary, port: {"{"}number: 80{"}"}{"}"}
          weight: {weight}
        """)!;

    private static JsonNode WithRoute(JsonNode spec, JsonNode route)
    {
        var copy = spec.DeepClone();
        copy["http"]![0]!["route"] = route.DeepClone();
        return copy;
    }

    [Fact]
    public async Task ApplyAsync_ZeroTenFiftyHundredThenRestore_EachStepReadsBackExactly()
    {
        var bed = await StartAsync(cluster);
        var created = await bed.CreateVirtualServiceAsync("myapp", Spec);
        var original = created["spec"]!.DeepClone();
        var router = new IstioRouter(Config);

        var zero = await ApplyOkAsync(router, bed.Context(), Target(0));
        Assert.Equal(0, zero.CanaryWeight);
        var afterZero = await bed.VirtualServiceAsync();
        Assert.Equal(Version(created), Version(afterZero));
        Assert.Null(Annotation(afterZero));

        foreach (var weight in new[] { 10, 50, 100 })
        {
            var state = await ApplyOkAsync(router, bed.Context(), Target(weight));
            Assert.Equal(weight, state.CanaryWeight);
            var vs = await bed.VirtualServiceAsync();
            SameJson(WithRoute(original, Split(weight)), vs["spec"]);
            Assert.NotNull(Annotation(vs));
        }

        await RestoreOkAsync(router, bed.Context());
        var restored = await bed.VirtualServiceAsync();
        SameJson(original, restored["spec"]);
        Assert.Null(Annotation(restored));
    }

    [Fact]
    public async Task RestoreAsync_AbortAtFifty_GivesTheOriginalBackAndIsIdempotent()
    {
        var bed = await StartAsync(cluster);
        var original = (await bed.CreateVirtualServiceAsync("myapp", Spec))["spec"]!.DeepClone();
        var router = new IstioRouter(Config);
        await ApplyOkAsync(router, bed.Context(), Target(10));
        await ApplyOkAsync(router, bed.Context(), Target(50, [new MatchSpec { Kind = MatchKind.Header, Name = "X-Canary", Value = "yes" }], mirror: 20));

        await RestoreOkAsync(router, bed.Context());
        var restored = await bed.VirtualServiceAsync();
        SameJson(original, restored["spec"]);
        Assert.Null(restored["metadata"]!["annotations"]);

        await RestoreOkAsync(router, bed.Context());
        Assert.Equal(Version(restored), Version(await bed.VirtualServiceAsync()));
    }

    [Fact]
    public async Task ApplyAsync_SameTargetTwice_SecondWritesNothing()
    {
        var bed = await StartAsync(cluster);
        await bed.CreateVirtualServiceAsync("myapp", Spec);
        var router = new IstioRouter(Config);
        var target = Target(30, [new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Value = "test-user" }], mirror: 10);

        await ApplyOkAsync(router, bed.Context(), target);
        var first = await bed.VirtualServiceAsync();
        var again = await ApplyOkAsync(router, bed.Context(), target);
        var second = await bed.VirtualServiceAsync();

        Assert.Equal(Version(first), Version(second));
        Assert.Equal((30, 1, 10), (again.CanaryWeight, again.Matches, again.MirrorPercent));
    }

    [Fact]
    public async Task RestoreAsync_UserEditedOtherFieldsDuringRollout_EditsSurviveAndTheRestIsOriginal()
    {
        var bed = await StartAsync(cluster);
        var original = (await bed.CreateVirtualServiceAsync("myapp", Spec))["spec"]!.DeepClone();
        var router = new IstioRouter(Config);
        await ApplyOkAsync(router, bed.Context(), Target(50, [new MatchSpec { Kind = MatchKind.Query, Name = "canary", Value = "1" }]));

        // The user changes the weighted route's timeout (index 1: Canaria's test-user route is first) and the hosts.
        (await bed.Client.PatchAsync(IstioResources.VirtualServices, bed.Namespace, "myapp", PatchType.Json, Yaml("""
            - {op: replace, path: /spec/http/1/timeout, value: 3s}
            - {op: add, path: /spec/hosts/-, value: www.example.com}
            """)!)).ValueOrThrow();
        await ApplyOkAsync(router, bed.Context(), Target(100));
        await RestoreOkAsync(router, bed.Context());

        var expected = original.DeepClone();
        expected["http"]![0]!["timeout"] = "3s";
        ((JsonArray)expected["hosts"]!).Add("www.example.com");
        SameJson(expected, (await bed.VirtualServiceAsync())["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentWriterBetweenReadAndWrite_RetriesFromFreshReadAndKeepsBothChanges()
    {
        var bed = await StartAsync(cluster);
        await bed.CreateVirtualServiceAsync("myapp", Spec);
        using var handler = new ConflictInjectingHandler("/virtualservices/myapp", async () =>
            (await bed.Client.PatchAsync(IstioResources.VirtualServices, bed.Namespace, "myapp", PatchType.Merge,
                Yaml("metadata: {labels: {team: payments}}")!)).ValueOrThrow());
        using var client = new KubeClient(cluster.Config, handler: handler);

        var state = await ApplyOkAsync(new IstioRouter(Config), bed.Context(client), Target(20));

        Assert.Equal(1, handler.Conflicts);
        Assert.Equal(20, state.CanaryWeight);
        var vs = await bed.VirtualServiceAsync();
        Assert.Equal("payments", (string?)vs["metadata"]!["labels"]!["team"]);
        SameJson(Split(20), vs["spec"]!["http"]![0]!["route"]);
    }

    [Fact]
    public async Task RestoreAsync_FreshRouterAndClientAfterRestart_RestoresFromWhatIsInTheCluster()
    {
        var bed = await StartAsync(cluster);
        var original = (await bed.CreateVirtualServiceAsync("myapp", Spec))["spec"]!.DeepClone();
        await ApplyOkAsync(new IstioRouter(Config), bed.Context(), Target(40, [new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Value = "test-user" }], mirror: 50));

        using var restarted = new KubeClient(cluster.Config);
        await RestoreOkAsync(new IstioRouter(Config with { }), bed.Context(restarted));

        SameJson(original, (await bed.VirtualServiceAsync())["spec"]);
    }

    [Fact]
    public async Task ApplyAsync_VirtualServiceMissing_FailsNamingTheObjectAndTheSpecField()
    {
        var bed = await StartAsync(cluster);
        var router = new IstioRouter(new IstioRouting { VirtualService = "nope" });

        var outcome = await router.ApplyAsync(bed.Context(), Target(10), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Equal($"VirtualService nope not found in namespace {bed.Namespace} (spec.trafficRouting.istio.virtualService.name)", outcome.Error);
        Assert.True((await router.RestoreAsync(bed.Context(), CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task ApplyAsync_NoRouteSendsToTheStableService_FailsAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var created = await bed.CreateVirtualServiceAsync("myapp", """
            hosts: [myapp.example.com]
            http:
            - route:
              - destination: {host: myapp.elsewhere.svc.cluster.local}
            """);

        var outcome = await new IstioRouter(Config).ApplyAsync(bed.Context(), Target(10), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Contains("no HTTP route that sends to the stable Service myapp", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(created), Version(await bed.VirtualServiceAsync()));
    }
}
