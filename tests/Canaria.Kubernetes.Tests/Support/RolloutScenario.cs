using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>A namespace with a simulated node, the Rollout CRD and a running Rollout controller; helpers to wait on them.</summary>
internal sealed class RolloutScenario : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private NodeSimulator _node = null!;

    private RolloutScenario(KubeClient client, string ns)
    {
        Client = client;
        Namespace = ns;
    }

    public KubeClient Client { get; }
    public string Namespace { get; }
    public RolloutController Controller { get; private set; } = null!;
    public ListLogger Log { get; } = new();

    /// <summary>The simulated kubelet (to release pods held unready).</summary>
    public NodeSimulator Node => _node;

    /// <param name="holdUnready">Pods the simulated kubelet never reports Ready (e.g. a canary that does not start).</param>
    /// <param name="controllerClient">The controller's own credentials for this namespace (default: the admin client).</param>
    public static async Task<RolloutScenario> StartAsync(ControlPlaneFixture cluster, string prefix, Func<JsonObject, bool>? holdUnready = null,
        Func<string, Task<KubeClient>>? controllerClient = null, bool startController = true, KubeControllerOptions? options = null)
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var s = new RolloutScenario(cluster.Client, ns);
        s._node = new NodeSimulator(cluster.Client, "node-" + ns, ns) { HoldUnready = holdUnready };
        await s._node.StartAsync();
        if (!startController) return s;
        var client = controllerClient is null ? cluster.Client : await controllerClient(ns);
        s.Controller = new RolloutController(client, options is null
            ? new KubeControllerOptions { Namespace = ns, ProgressInterval = TimeSpan.FromMilliseconds(200), RetryInterval = TimeSpan.FromMilliseconds(500) }
            : options with { Namespace = ns }, s.Log);
        await s.Controller.StartAsync(CancellationToken.None);
        return s;
    }

    public async Task CreateDeploymentAsync(JsonObject deployment, int ready)
    {
        (await Client.CreateAsync(KubeResource.Deployments, Namespace, deployment)).ValueOrThrow();
        var name = (string)deployment["metadata"]!["name"]!;
        await WaitForAsync(KubeResource.Deployments, name, d => Objects.Int(d, "status", "readyReplicas") == ready, $"{ready} ready pods of {name}");
    }

    public async Task<JsonObject> WaitForAsync(KubeResource resource, string name, Func<JsonObject, bool> condition, string what)
    {
        JsonObject? last = null;
        try
        {
            await Eventually.WaitAsync(async () =>
            {
                var got = await Client.GetAsync(resource, Namespace, name);
                last = got.Value;
                return got.IsSuccess && condition(last!);
            }, Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status: {last?["status"]?.ToJsonString()}\ncontroller log:\n{Log.Tail()}", e);
        }
        return last!;
    }

    public Task<JsonObject> WaitForRolloutAsync(string name, Func<JsonObject, bool> condition, string what) =>
        WaitForAsync(RolloutResource.Rollouts, name, condition, what);

    /// <summary>
    /// Changes an annotation of the Deployment <paramref name="times"/> times, each time waiting until the controller
    /// reconciled after it: the controller and the (paused) Deployment controller both look at everything again.
    /// </summary>
    public Task PokeDeploymentAsync(string deployment, int times) => PokeAsync(KubeResource.Deployments, deployment, times);

    /// <summary>The same for any object whose change queues a Rollout (a Rollout itself, its Deployment, its Services).</summary>
    public async Task PokeAsync(KubeResource resource, string name, int times)
    {
        for (var i = 0; i < times; i++)
        {
            var seen = Controller.Reconciles;
            var poke = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["canaria.test/poke"] = $"{i}" } } };
            (await Client.PatchAsync(resource, Namespace, name, PatchType.Merge, poke)).ValueOrThrow();
            await Eventually.WaitAsync(() => Controller.Reconciles > seen, Deadline, $"a reconcile after poke {i} of {resource.Kind} {name}");
        }
    }

    /// <summary>The Rollout's Events of this type and reason (each Event object once, whatever its count).</summary>
    public async Task<IReadOnlyList<JsonObject>> EventsOfAsync(string rollout, string type, string reason) =>
        (await EventsOfAsync(rollout)).Where(e => Objects.Str(e, "type") == type && Objects.Str(e, "reason") == reason).ToList();

    /// <summary>The Rollout's condition of this type (null when it has none).</summary>
    public static JsonObject? Condition(JsonObject rollout, string type) =>
        (rollout["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    /// <summary>Waits until the Rollout's condition has this status and reason.</summary>
    public Task<JsonObject> WaitForConditionAsync(string rollout, string type, string status, string reason) =>
        WaitForRolloutAsync(rollout, r => Condition(r, type) is { } c && (string?)c["status"] == status && (string?)c["reason"] == reason,
            $"condition {type} {status} {reason} on {rollout}");

    /// <summary>Ready pods per container image.</summary>
    public async Task<Dictionary<string, int>> ReadyImagesAsync()
    {
        var pods = (await Client.ListAllAsync(KubeResource.Pods, Namespace)).ValueOrThrow().Items;
        return pods.Where(p => p["metadata"]?["deletionTimestamp"] is null && IsReady(p))
            .GroupBy(p => (string?)p["spec"]?["containers"]?[0]?["image"] ?? "")
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Waits until the ready pods are exactly these images and counts.</summary>
    public async Task WaitForReadyImagesAsync(IReadOnlyDictionary<string, int> expected, string what)
    {
        Dictionary<string, int> last = [];
        try
        {
            await Eventually.WaitAsync(async () =>
            {
                last = await ReadyImagesAsync();
                var all = (await Client.ListAllAsync(KubeResource.Pods, Namespace)).ValueOrThrow().Items.Count;
                return all == expected.Values.Sum() && last.Count == expected.Count && expected.All(e => last.GetValueOrDefault(e.Key) == e.Value);
            }, Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; ready pods: {string.Join(", ", last.Select(p => $"{p.Key}={p.Value}"))}", e);
        }
    }

    public Task CommandAsync(string rollout, string command) =>
        Client.PatchAsync(RolloutResource.Rollouts, Namespace, rollout, PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RolloutCommandAnnotation.Name] = command } } });

    public async Task<IReadOnlyList<JsonObject>> EventsOfAsync(string rollout) =>
        (await Client.ListAllAsync(KubeResource.Events, Namespace)).ValueOrThrow().Items
            .Where(e => Objects.Str(e, "involvedObject", "kind") == "Rollout" && Objects.Str(e, "involvedObject", "name") == rollout).ToList();

    /// <summary>Events are posted after the status is stored, so a test waits for them as for the status.</summary>
    public async Task WaitForEventAsync(string rollout, string reason)
    {
        IReadOnlyList<JsonObject> last = [];
        try
        {
            await Eventually.WaitAsync(async () => (last = await EventsOfAsync(rollout)).Any(e => Objects.Str(e, "reason") == reason), Deadline, $"event {reason} on {rollout}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; events: {string.Join(", ", last.Select(x => Objects.Str(x, "reason")))}", e);
        }
    }

    /// <summary>ReplicaSets, the Rollout's status and the controller's last log lines, for failure messages.</summary>
    public async Task<string> DescribeAsync(string rollout)
    {
        var sets = (await Client.ListAllAsync(KubeResource.ReplicaSets, Namespace)).ValueOrThrow().Items.Select(rs =>
            $"{Objects.Str(rs, "metadata", "name")} replicas={Objects.Int(rs, "spec", "replicas")} ready={Objects.Int(rs, "status", "readyReplicas")} " +
            $"annotations={rs["metadata"]?["annotations"]?.ToJsonString()}");
        var r = await Client.GetAsync(RolloutResource.Rollouts, Namespace, rollout);
        var events = (await Client.ListAllAsync(KubeResource.Events, Namespace)).ValueOrThrow().Items
            .Where(e => Objects.Str(e, "involvedObject", "kind") is "Deployment" or "ReplicaSet")
            .Select(e => $"{Objects.Str(e, "lastTimestamp")} {Objects.Str(e, "involvedObject", "name")} {Objects.Str(e, "reason")}: {Objects.Str(e, "message")}");
        var pods = (await Client.ListAllAsync(KubeResource.Pods, Namespace)).ValueOrThrow().Items.Select(p =>
            $"{Objects.Str(p, "metadata", "name")} node={Objects.Str(p, "spec", "nodeName")} phase={Objects.Str(p, "status", "phase")} ready={IsReady(p)}");
        return $"events:\n{string.Join("\n", events)}\nreplicasets:\n{string.Join("\n", sets)}\npods:\n{string.Join("\n", pods)}\n" +
            $"status: {r.Value?["status"]?.ToJsonString()}\nlog:\n{Log.Tail()}";
    }

    private static readonly KubeResource Endpoints = new("", "v1", "endpoints", "Endpoints");

    /// <summary>Waits until the Service's ready endpoints are exactly the ready pods of this image.</summary>
    public async Task WaitForEndpointsAsync(string service, string image)
    {
        var last = "";
        await Eventually.WaitAsync(async () =>
        {
            var pods = (await Client.ListAllAsync(KubeResource.Pods, Namespace)).ValueOrThrow().Items
                .Where(p => IsReady(p) && p["metadata"]?["deletionTimestamp"] is null).ToList();
            var want = pods.Where(p => (string?)p["spec"]!["containers"]![0]!["image"] == image).Select(p => Objects.Str(p, "status", "podIP")).Order().ToList();
            var ep = await Client.GetAsync(Endpoints, Namespace, service);
            var ips = (ep.Value?["subsets"] as JsonArray)?.OfType<JsonObject>()
                .SelectMany(x => (x["addresses"] as JsonArray)?.OfType<JsonObject>() ?? []).Select(a => (string?)a["ip"]).Order().ToList() ?? [];
            last = string.Join(",", ips);
            return want.Count > 0 && want.SequenceEqual(ips);
        }, Deadline, $"Service {service} to send everything to {image} pods (last endpoints: {last})");
    }

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True") == true;

    /// <summary>Stops the controller, as when its pod is down (nothing reconciles until a new one starts).</summary>
    public async Task StopControllerAsync()
    {
        if (Controller is null) return;
        await Controller.DisposeAsync();
        Controller = null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Controller is not null) await Controller.DisposeAsync();
        await _node.DisposeAsync();
    }
}
