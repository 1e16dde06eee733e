using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Support;
using static Canaria.Kubernetes.Tests.Routing.IstioTestBed;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>Shapes the Istio router refuses: each fails with a message naming the route or owner, and writes nothing.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class IstioRefusalTests(ControlPlaneFixture cluster)
{
    private static readonly IstioRouting Config = new() { VirtualService = "myapp" };

    [Fact]
    public async Task ApplyAsync_RouteWithItsOwnMirror_RefusesToMirrorAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var created = await bed.CreateVirtualServiceAsync("myapp", "http: [{name: main, route: [{destination: {host: myapp}}], mirror: {host: shadow}}]");

        var outcome = await new IstioRouter(Config).ApplyAsync(bed.Context(), Target(10, mirror: 5), CancellationToken.None);

        Assert.Contains("HTTP route 'main' already mirrors requests", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(created), Version(await bed.VirtualServiceAsync()));
    }

    [Fact]
    public async Task ApplyAsync_RouteAlsoSendingToAnotherService_FailsNamingItAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var created = await bed.CreateVirtualServiceAsync("myapp", "http: [{route: [{destination: {host: myapp}, weight: 80}, {destination: {host: legacy}, weight: 20}]}]");

        var outcome = await new IstioRouter(Config).ApplyAsync(bed.Context(), Target(10), CancellationToken.None);

        Assert.Contains("HTTP route #0 (unnamed) also sends to legacy", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(created), Version(await bed.VirtualServiceAsync()));
    }

    [Fact]
    public async Task ApplyAsync_VirtualServiceRoutedByAnotherRollout_FailsAndRestoreLeavesItAlone()
    {
        var bed = await StartAsync(cluster);
        await bed.CreateVirtualServiceAsync("myapp", "http: [{route: [{destination: {host: myapp}}]}]");
        await ApplyOkAsync(new IstioRouter(Config), bed.Context(), Target(10));
        var owned = await bed.VirtualServiceAsync();
        var other = bed.Context() with { Rollout = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other" } } };

        var outcome = await new IstioRouter(Config).ApplyAsync(other, Target(50), CancellationToken.None);
        await RestoreOkAsync(new IstioRouter(Config), other);

        Assert.Contains("is being routed by Rollout myapp", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(owned), Version(await bed.VirtualServiceAsync()));
    }

    [Fact]
    public async Task ApplyAsync_TestUserHeaderTheRouteAlreadyMatches_FailsNamingTheHeaderAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var created = await bed.CreateVirtualServiceAsync("myapp", "http: [{name: main, match: [{headers: {x-user: {exact: a}}}], route: [{destination: {host: myapp}}]}]");

        var outcome = await new IstioRouter(Config).ApplyAsync(bed.Context(),
            Target(0, [new MatchSpec { Kind = MatchKind.Header, Name = "X-User", Value = "b" }]), CancellationToken.None);

        Assert.Contains("HTTP route 'main' already matches headers.x-user", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(Version(created), Version(await bed.VirtualServiceAsync()));
    }

    [Fact]
    public async Task ApplyAsync_DestinationRuleForAnotherHost_FailsNamingTheHostAndWritesNothing()
    {
        var bed = await StartAsync(cluster);
        var vs = await bed.CreateVirtualServiceAsync("myapp", "http: [{route: [{destination: {host: myapp, subset: stable}}]}]");
        var dr = await bed.CreateDestinationRuleAsync("myapp", "host: billing\nsubsets: [{name: stable}, {name: canary}]");
        var router = new IstioRouter(Config with { DestinationRule = new IstioDestinationRule { Name = "myapp" } });

        var outcome = await router.ApplyAsync(bed.Context(), Target(10), CancellationToken.None);

        Assert.Equal("DestinationRule myapp is for host 'billing', not the stable Service myapp (or myapp." + bed.Namespace
            + ".svc.cluster.local) (spec.trafficRouting.istio.destinationRule.name)", outcome.Error);
        Assert.Equal(Version(vs), Version(await bed.VirtualServiceAsync()));
        Assert.Equal(Version(dr), Version(await bed.DestinationRuleAsync("myapp")));
    }
}
