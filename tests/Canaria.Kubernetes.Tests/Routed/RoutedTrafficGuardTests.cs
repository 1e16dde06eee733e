using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Routing;
using Canaria.Kubernetes.Tests.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>The controller's routing step on its own, against the real API server and the real endpoints controller.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RoutedTrafficGuardTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task ApplyAsync_CanaryServiceWithoutReadyEndpoints_HoldsTheSplitAndWritesNothing()
    {
        await TestCrds.InstallAllAsync(cluster.Client);
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync("guard");
        var client = cluster.Client;
        (await client.CreateAsync(KubeResource.Services, ns, BlueGreenTests.Service("myapp"))).ValueOrThrow();
        (await client.CreateAsync(DataPlanes.VirtualServices, ns, DataPlanes.VirtualService())).ValueOrThrow();
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 10 });
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        rollout["spec"]!["trafficRouting"] = DataPlanes.RoutingFor("istio");
        rollout = (await client.CreateAsync(RolloutResource.Rollouts, ns, rollout)).ValueOrThrow();
        var before = (await client.GetAsync(DataPlanes.VirtualServices, ns, "myapp")).ValueOrThrow();
        var spec = new RolloutSpec
        {
            Service = new ServiceSpec { Name = "myapp" },
            TrafficRouting = new TrafficRoutingSpec { Istio = new IstioRouting { VirtualService = "myapp", Routes = ["primary"] } },
        };
        var target = new TrafficTarget { StableRevision = 1, CanaryRevision = 2, CanaryWeight = 10 };
        var status = new RolloutStatus { StableRevision = 1, CanaryRevision = 2, StepState = StepState.RoutingTraffic, Traffic = target };
        // Revision 2 has "ready pods" by the ReplicaSet's count, but no pod exists, so no Service of its hash has endpoints.
        var observation = new Observation
        {
            SpecRevision = 2,
            Revisions = new Dictionary<int, ReplicaObservation> { [1] = new(2, 2), [2] = new(1, 1) },
        };
        var services = (await client.ListAllAsync<k8s.Models.V1Service>(KubeResource.Services, ns)).ValueOrThrow()
            .ToDictionary(svc => svc.Metadata.Name); // what the controller's Service informer would hold
        var routed = new RoutedTraffic(client, new TrafficRouters().For(spec.TrafficRouting), (_, name) => services.GetValueOrDefault(name));

        var (next, error) = await routed.ApplyAsync(rollout, spec, status, observation, new RoutingStatus(), rev => rev == 1 ? "stablehash" : "canaryhash", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Null(error);
        Assert.Null(next.Applied); // nothing verified, so the engine keeps waiting
        Assert.Contains("myapp-canary to have ready endpoints", next.Message);
        var after = (await client.GetAsync(DataPlanes.VirtualServices, ns, "myapp")).ValueOrThrow();
        Assert.Equal(Objects.Str(before, "metadata", "resourceVersion"), Objects.Str(after, "metadata", "resourceVersion"));
    }
}
