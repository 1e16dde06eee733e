using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// Plays a kubelet (there is none here): registers a Ready Node, binds unscheduled pods to itself
/// through the binding subresource, and reports its pods Running/Ready with a pod IP through
/// pods/status. Chosen pods can be held unready or made to fail. Terminating pods are removed with
/// grace period 0, as a kubelet does once their containers stopped.
/// </summary>
internal sealed class NodeSimulator : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly string? _namespace;
    private readonly ConcurrentDictionary<string, bool> _unready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failed = new(StringComparer.Ordinal);

    /// <summary>Pods a test marked ready: HoldUnready no longer applies to them, even when the simulator sees them only later.</summary>
    private readonly ConcurrentDictionary<string, bool> _released = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _ips = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private KubeInformer<JsonObject>? _pods;
    private int _nextIp;

    /// <param name="ns">Only pods of this namespace (null: all namespaces).</param>
    public NodeSimulator(KubeClient client, string nodeName, string? ns)
    {
        _client = client;
        NodeName = nodeName;
        _namespace = ns;
    }

    public string NodeName { get; }

    /// <summary>Decides, when the simulator first sees a pod, whether it stays unready (until <see cref="MarkReadyAsync"/>).</summary>
    public Func<JsonObject, bool>? HoldUnready { get; init; }

    public IReadOnlyList<JsonObject> Pods => _pods?.List() ?? [];

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var node = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = NodeName, ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = NodeName } },
        };
        var created = await _client.CreateAsync(KubeResource.Nodes, null, node, cancellationToken);
        if (!created.IsSuccess && !created.Error!.IsAlreadyExists)
        {
            created.ValueOrThrow();
        }
        var now = _client.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ");
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["cpu"] = "64", ["memory"] = "256Gi", ["pods"] = "500" },
                ["allocatable"] = new JsonObject { ["cpu"] = "64", ["memory"] = "256Gi", ["pods"] = "500" },
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "simulated",
                    ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now,
                }),
            },
        };
        (await _client.PatchAsync(KubeResource.Nodes, null, NodeName, PatchType.Merge, status, "status", cancellationToken: cancellationToken)).ValueOrThrow();
        _pods = new KubeInformer<JsonObject>(_client, KubeResource.Pods, _namespace, InformerCodecs.Json, onEvent: async (ev, ct) =>
        {
            if (ev.Type != InformerEventType.Deleted)
            {
                await ReconcileAsync(ev.Object, ct);
            }
        });
        _pods.Start();
        await _pods.WaitForSyncAsync(cancellationToken);
    }

    public Task MarkUnreadyAsync(string ns, string name) => Change(_unready, ns, name, add: true);
    public Task MarkReadyAsync(string ns, string name)
    {
        // A test may see a pod (and mark it ready) before the simulator first handled it and decided to hold it.
        _released[KubeInformer.Key(ns, name)] = true;
        return Change(_unready, ns, name, add: false);
    }
    public Task FailAsync(string ns, string name) => Change(_failed, ns, name, add: true);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pods is not null)
        {
            await _pods.DisposeAsync();
        }
    }

    private async Task Change(ConcurrentDictionary<string, bool> set, string ns, string name, bool add)
    {
        var key = KubeInformer.Key(ns, name);
        if (add)
        {
            set[key] = true;
        }
        else
        {
            set.TryRemove(key, out _);
        }
        var pod = await _client.GetAsync(KubeResource.Pods, ns, name);
        await ReconcileAsync(pod.ValueOrThrow(), CancellationToken.None);
    }

    private async Task ReconcileAsync(JsonObject pod, CancellationToken cancellationToken)
    {
        var ns = (string)pod["metadata"]!["namespace"]!;
        var name = (string)pod["metadata"]!["name"]!;
        var key = KubeInformer.Key(ns, name);
        var nodeName = (string?)pod["spec"]?["nodeName"];
        if (string.IsNullOrEmpty(nodeName))
        {
            var binding = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Binding",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["target"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = NodeName },
            };
            var bound = await _client.CreateSubresourceAsync(KubeResource.Pods, ns, name, "binding", binding, cancellationToken);
            if (!bound.IsSuccess) RetryLater(ns, name);
            return; // the MODIFIED event with spec.nodeName set brings the pod back here
        }
        if (nodeName != NodeName)
        {
            return;
        }
        if (pod["metadata"]?["deletionTimestamp"] is not null)
        {
            var deleted = await _client.DeleteAsync(KubeResource.Pods, ns, name,
                new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = (string?)pod["metadata"]?["uid"] }, cancellationToken);
            if (!deleted.IsSuccess && !deleted.Error!.IsNotFound) RetryLater(ns, name);
            _ips.TryRemove(key, out _);
            return;
        }
        if (HoldUnready is { } hold && !_ips.ContainsKey(key) && !_released.ContainsKey(key) && hold(pod))
        {
            _unready[key] = true;
        }
        var ip = _ips.GetOrAdd(key, _ =>
        {
            var n = Interlocked.Increment(ref _nextIp);
            return $"10.244.{n / 250 % 250}.{(n % 250) + 2}";
        });
        var failed = _failed.ContainsKey(key);
        var ready = !failed && !_unready.ContainsKey(key);
        var phase = failed ? "Failed" : "Running";
        var status = pod["status"];
        var currentReady = (status?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == "Ready")?["status"]?.GetValue<string>();
        if ((string?)status?["phase"] == phase && (string?)status?["podIP"] == ip && currentReady == (ready ? "True" : "False"))
        {
            return;
        }
        var patch = new JsonObject { ["status"] = PodStatus(pod, ip, phase, ready) };
        var patched = await _client.PatchAsync(KubeResource.Pods, ns, name, PatchType.Merge, patch, "status", cancellationToken: cancellationToken);
        if (!patched.IsSuccess) RetryLater(ns, name);
    }

    /// <summary>
    /// A binding or status write that failed (e.g. the API server was down) is tried again from a fresh read, as a
    /// scheduler and a kubelet do: no watch event would bring an unchanged pod back.
    /// </summary>
    private void RetryLater(string ns, string name) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _client.Time, _stop.Token);
            var pod = await _client.GetAsync(KubeResource.Pods, ns, name, _stop.Token);
            if (pod.IsSuccess) await ReconcileAsync(pod.Value!, _stop.Token);
            else if (!pod.Error!.IsNotFound) RetryLater(ns, name);
        }
        catch (OperationCanceledException)
        {
        }
    });

    private JsonObject PodStatus(JsonObject pod, string ip, string phase, bool ready)
    {
        var now = _client.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ");
        var r = ready ? "True" : "False";
        JsonObject Condition(string type, string status) => new() { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = now };
        var containers = new JsonArray();
        foreach (var c in (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            containers.Add(new JsonObject
            {
                ["name"] = (string?)c["name"],
                ["image"] = (string?)c["image"],
                ["imageID"] = "sim://" + (string?)c["image"],
                ["containerID"] = "sim://" + Guid.NewGuid().ToString("N"),
                ["ready"] = ready,
                ["started"] = phase == "Running",
                ["restartCount"] = 0,
                ["state"] = phase == "Running"
                    ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }
                    : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["finishedAt"] = now } },
            });
        }
        return new JsonObject
        {
            ["phase"] = phase,
            ["hostIP"] = "127.0.0.1",
            ["podIP"] = ip,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
            ["startTime"] = (string?)pod["status"]?["startTime"] ?? now,
            ["conditions"] = new JsonArray(Condition("Initialized", "True"), Condition("Ready", r),
                Condition("ContainersReady", r), Condition("PodScheduled", "True")),
            ["containerStatuses"] = containers,
        };
    }
}
