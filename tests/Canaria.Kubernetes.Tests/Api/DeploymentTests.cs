using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Api;

/// <summary>The real deployment and replicaset controllers, with the node simulator as the kubelet.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DeploymentTests(ControlPlaneFixture cluster)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task Deployment_ThreeReplicasWithSimulatedNode_ReachesThreeReady()
    {
        var ns = await cluster.CreateNamespaceAsync("deploy");
        await using var node = new NodeSimulator(Client, "node-" + ns, ns);
        await node.StartAsync();

        (await Client.CreateAsync(KubeResource.Deployments, ns, Objects.Deployment("web", 3, "web"))).ValueOrThrow();

        var deployment = await WaitForStatusAsync(ns, "web", d => Objects.Int(d, "status", "readyReplicas") == 3 && Objects.Int(d, "status", "availableReplicas") == 3);
        Assert.Equal(3, Objects.Int(deployment, "status", "replicas"));
        var pods = (await Client.ListAllAsync(KubeResource.Pods, ns, new ListOptions { LabelSelector = "app=web" })).ValueOrThrow().Items;
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal(node.NodeName, Objects.Str(p, "spec", "nodeName")));
        Assert.Equal(3, pods.Select(p => Objects.Str(p, "status", "podIP")).Distinct().Count());
        Assert.Single(pods.Select(p => Objects.Str(p, "metadata", "labels", "pod-template-hash")).Distinct());
    }

    [Fact]
    public async Task Deployment_OnePodHeldUnready_KeepsReadyReplicasAtTwoUntilReleased()
    {
        var ns = await cluster.CreateNamespaceAsync("deploy");
        string? held = null;
        await using var node = new NodeSimulator(Client, "node-" + ns, ns)
        {
            HoldUnready = pod =>
            {
                held ??= Objects.Str(pod, "metadata", "name");
                return held == Objects.Str(pod, "metadata", "name");
            },
        };
        await node.StartAsync();

        (await Client.CreateAsync(KubeResource.Deployments, ns, Objects.Deployment("web", 3, "web"))).ValueOrThrow();

        var deployment = await WaitForStatusAsync(ns, "web", d =>
            Objects.Int(d, "status", "replicas") == 3 && Objects.Int(d, "status", "readyReplicas") == 2 && Objects.Int(d, "status", "unavailableReplicas") == 1);
        var pods = (await Client.ListAllAsync(KubeResource.Pods, ns, new ListOptions { LabelSelector = "app=web" })).ValueOrThrow().Items;
        var unready = Assert.Single(pods, p => !IsReady(p));
        Assert.Equal(held, Objects.Str(unready, "metadata", "name"));
        Assert.Equal("Running", Objects.Str(unready, "status", "phase"));
        Assert.Equal(2, Objects.Int(deployment, "status", "readyReplicas"));

        await node.MarkReadyAsync(ns, held!);

        await WaitForStatusAsync(ns, "web", d => Objects.Int(d, "status", "readyReplicas") == 3);
    }

    [Fact]
    public async Task Deployment_PodFails_ReplicaSetReplacesItAndReturnsToThreeReady()
    {
        var ns = await cluster.CreateNamespaceAsync("deploy");
        await using var node = new NodeSimulator(Client, "node-" + ns, ns);
        await node.StartAsync();
        (await Client.CreateAsync(KubeResource.Deployments, ns, Objects.Deployment("web", 3, "web"))).ValueOrThrow();
        await WaitForStatusAsync(ns, "web", d => Objects.Int(d, "status", "readyReplicas") == 3);
        var victim = Objects.Str((await Client.ListAsync(KubeResource.Pods, ns)).ValueOrThrow().Items[0], "metadata", "name")!;

        await node.FailAsync(ns, victim);

        await Eventually.WaitAsync(async () =>
        {
            var pods = (await Client.ListAllAsync(KubeResource.Pods, ns)).ValueOrThrow().Items;
            return pods.Count(p => IsReady(p) && Objects.Str(p, "metadata", "name") != victim) == 3;
        }, Deadline, "a replacement for the failed pod");
        var failed = (await Client.GetAsync(KubeResource.Pods, ns, victim)).ValueOrThrow();
        Assert.Equal("Failed", Objects.Str(failed, "status", "phase"));
    }

    private static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True") == true;

    private async Task<JsonObject> WaitForStatusAsync(string ns, string name, Func<JsonObject, bool> condition)
    {
        JsonObject? last = null;
        try
        {
            await Eventually.WaitAsync(async () =>
            {
                last = (await Client.GetAsync(KubeResource.Deployments, ns, name)).ValueOrThrow();
                return condition(last);
            }, Deadline, $"deployment {ns}/{name} status");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status: {last?["status"]?.ToJsonString()}", e);
        }
        return last!;
    }
}
