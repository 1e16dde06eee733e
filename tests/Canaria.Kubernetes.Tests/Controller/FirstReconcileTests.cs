using k8s.Models;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// A new Rollout's first reconcile adds the finalizer and goes on in the same reconcile with the object as written, so a
/// new fleet is not worked breadth-first (every Rollout's finalizer first, then every Rollout's release). One reconcile
/// is called by hand here, on the controller's own informers, against the real control plane.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FirstReconcileTests(ControlPlaneFixture cluster)
{
    private static readonly JsonObject ManualStep = new() { ["replicas"] = 1, ["pause"] = new JsonObject() };

    [Fact]
    public async Task ReconcileAsync_NewRollout_FinalizerPausedDeploymentAndStatusInOneReconcile()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "first-pass", startController: false);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualStep.DeepClone()))).ValueOrThrow();
        await using var c = await Caches.StartAsync(s);

        var result = await c.Reconciler.ReconcileAsync(s.Namespace, "myapp", CancellationToken.None);

        Assert.Null(result.Error);
        Assert.NotEqual(TimeSpan.Zero, result.RequeueAfter); // not queued again at once for the rest of its first pass
        var rollout = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Contains(RolloutFinalizer.Name, RolloutObject.Of(rollout).Finalizers);
        Assert.Equal("Healthy", Objects.Str(rollout, "status", "phase"));
        Assert.NotNull(Objects.Str(rollout, "status", "stableReplicaSet"));
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.True(deployment["spec"]?["paused"]?.GetValue<bool>());
    }

    [Fact]
    public async Task ReconcileAsync_SpecChangedAfterTheCacheRead_FinalizerAddedThenReadAgainWithoutAStatusWrite()
    {
        await using var s = await RolloutScenario.StartAsync(cluster, "first-stale", startController: false);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, RolloutObjects.Rollout("myapp", "myapp", (JsonObject)ManualStep.DeepClone()))).ValueOrThrow();
        await using var c = await Caches.StartAsync(s);
        await c.StopRolloutWatchAsync(); // the cache keeps the Rollout as read and sees no change from here on
        var edit = new JsonObject { ["spec"] = new JsonObject { ["workloadRef"] = new JsonObject { ["name"] = "other" } } };
        (await s.Client.PatchAsync(RolloutResource.Rollouts, s.Namespace, "myapp", PatchType.Merge, edit)).ValueOrThrow();

        var result = await c.Reconciler.ReconcileAsync(s.Namespace, "myapp", CancellationToken.None);

        Assert.Equal(TimeSpan.Zero, result.RequeueAfter);
        var rollout = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Contains(RolloutFinalizer.Name, RolloutObject.Of(rollout).Finalizers);
        Assert.Null(rollout["status"]); // nothing was stored from the spec as it was before the edit
        var deployment = (await s.Client.GetAsync(KubeResource.Deployments, s.Namespace, "myapp")).ValueOrThrow();
        Assert.NotEqual(true, deployment["spec"]?["paused"]?.GetValue<bool>());
    }

    /// <summary>The informers a reconciler reads, synced, and the reconciler on them.</summary>
    private sealed class Caches : IAsyncDisposable
    {
        private bool _rolloutsStopped;

        private Caches(RolloutScenario s)
        {
            Rollouts = new KubeInformer<JsonObject>(s.Client, RolloutResource.Rollouts, s.Namespace, InformerCodecs.Json);
            Deployments = new KubeInformer<V1Deployment>(s.Client, KubeResource.Deployments, s.Namespace, InformerCodecs.Deployments);
            ReplicaSets = new KubeInformer<V1ReplicaSet>(s.Client, KubeResource.ReplicaSets, s.Namespace, InformerCodecs.ReplicaSets);
            Services = new KubeInformer<V1Service>(s.Client, KubeResource.Services, s.Namespace, InformerCodecs.Services);
            Reconciler = new RolloutReconciler(s.Client, Rollouts, (ns, name) => Deployments.Get(ns, name),
                (_, deployment, rollout) => ReplicaSets.List().Where(rs => OwnedBy(rs, deployment) || OwnedBy(rs, rollout)),
                (ns, name) => Services.Get(ns, name), new KubeControllerOptions { Namespace = s.Namespace }, s.Log);
        }

        public KubeInformer<JsonObject> Rollouts { get; }
        public KubeInformer<V1Deployment> Deployments { get; }
        public KubeInformer<V1ReplicaSet> ReplicaSets { get; }
        public KubeInformer<V1Service> Services { get; }
        public RolloutReconciler Reconciler { get; }

        public static async Task<Caches> StartAsync(RolloutScenario s)
        {
            var c = new Caches(s);
            c.Rollouts.Start();
            c.Deployments.Start();
            c.ReplicaSets.Start();
            c.Services.Start();
            using var timeout = new CancellationTokenSource(RolloutScenario.Deadline);
            await Task.WhenAll(c.Rollouts.WaitForSyncAsync(timeout.Token), c.Deployments.WaitForSyncAsync(timeout.Token),
                c.ReplicaSets.WaitForSyncAsync(timeout.Token), c.Services.WaitForSyncAsync(timeout.Token));
            Assert.NotNull(c.Rollouts.Get(s.Namespace, "myapp"));
            Assert.NotNull(c.ReplicaSets.List().FirstOrDefault(rs => OwnedBy(rs, "myapp")));
            return c;
        }

        public async Task StopRolloutWatchAsync()
        {
            _rolloutsStopped = true;
            await Rollouts.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Reconciler.DisposeAsync();
            if (!_rolloutsStopped) await Rollouts.DisposeAsync();
            await Deployments.DisposeAsync();
            await ReplicaSets.DisposeAsync();
            await Services.DisposeAsync();
        }

        private static bool OwnedBy(V1ReplicaSet rs, string owner) => rs.Metadata?.OwnerReferences?.Any(o => o.Name == owner) == true;
    }
}
