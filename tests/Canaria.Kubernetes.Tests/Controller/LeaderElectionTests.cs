using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

[Collection(ControlPlaneCollection.Name)]
public sealed class LeaderElectionTests(ControlPlaneFixture cluster)
{
    private static KubeControllerHost Host(KubeClient client, string ns, string identity) => new(client,
        new KubeControllerOptions { Namespace = ns, ProgressInterval = TimeSpan.FromMilliseconds(200) },
        new LeaderElectionOptions
        {
            Namespace = ns,
            Identity = identity,
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });

    [Fact]
    public async Task TwoHosts_LeaderStops_OtherTakesOverAndContinuesTheRelease()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "leader", startController: false);
        var a = Host(s.Client, s.Namespace, "host-a");
        var b = Host(s.Client, s.Namespace, "host-b");
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.RunAsync(stopA.Token);
        var runB = b.RunAsync(stopB.Token);
        try
        {
            await Eventually.WaitAsync(() => a.IsLeader || b.IsLeader, RolloutScenario.Deadline, "a leader");
            var (leader, follower, stopLeader) = a.IsLeader ? (a, b, stopA) : (b, a, stopB);
            var lease = await s.WaitForAsync(KubeResource.Leases, "canaria-controller", l => Objects.Int(l, "spec", "leaseTransitions") >= 0, "the Lease");
            var firstRenew = Objects.Str(lease, "spec", "renewTime");
            await s.WaitForAsync(KubeResource.Leases, "canaria-controller", l => Objects.Str(l, "spec", "renewTime") != firstRenew, "the leader to renew");
            Assert.False(follower.IsLeader); // still only one, after a renewal
            Assert.Null(follower.Running);

            await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace,
                RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the leader to adopt v2");

            await stopLeader.CancelAsync();
            await Eventually.WaitAsync(() => follower.IsLeader && follower.Running is not null, RolloutScenario.Deadline, "the follower to take over");
            Assert.False(leader.IsLeader);
            (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();

            await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v2"] = 2, ["app:v3"] = 1 }, "the new leader to release v3 to one pod");
            await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "the new leader to pause at the step");
        }
        finally
        {
            await stopA.CancelAsync();
            await stopB.CancelAsync();
            await Task.WhenAll(runA, runB).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
