using System.Text.Json.Nodes;
using System.Collections.Concurrent;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Api;

[Collection(ControlPlaneCollection.Name)]
public sealed class WatchTests(ControlPlaneFixture cluster)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private KubeClient Client => cluster.Client;

    [Fact]
    public async Task Watch_FromListResourceVersion_SeesAddedModifiedDeleted()
    {
        var ns = await cluster.CreateNamespaceAsync("watch");
        var list = (await Client.ListAsync(KubeResource.ConfigMaps, ns)).ValueOrThrow();
        using var cts = new CancellationTokenSource(Deadline);
        var seen = new List<(WatchEventType, string?)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var ev in Client.WatchAsync(KubeResource.ConfigMaps, ns, new WatchOptions { ResourceVersion = list.ResourceVersion }, cts.Token))
            {
                if (ev.Type == WatchEventType.Bookmark || Objects.Str(ev.Object, "metadata", "name") != "watched")
                {
                    continue;
                }
                seen.Add((ev.Type, Objects.Str(ev.Object, "data", "v")));
                if (ev.Type is WatchEventType.Deleted or WatchEventType.Error)
                {
                    return;
                }
            }
        }, cts.Token);

        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("watched", new Dictionary<string, string> { ["v"] = "1" }))).ValueOrThrow();
        (await Client.PatchAsync(KubeResource.ConfigMaps, ns, "watched", PatchType.Merge, System.Text.Json.Nodes.JsonNode.Parse("""{"data":{"v":"2"}}""")!)).ValueOrThrow();
        (await Client.DeleteAsync(KubeResource.ConfigMaps, ns, "watched")).ValueOrThrow();
        await watching;

        Assert.Equal([(WatchEventType.Added, "1"), (WatchEventType.Modified, "2"), (WatchEventType.Deleted, "2")], seen);
    }

    /// <summary>PodTemplates bypass the watch cache in the test control plane, so compacted history is really gone.</summary>
    private static readonly KubeResource PodTemplates = new("", "v1", "podtemplates", "PodTemplate");

    private static System.Text.Json.Nodes.JsonObject PodTemplate(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "PodTemplate",
        ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name },
        ["template"] = System.Text.Json.Nodes.JsonNode.Parse("""{"spec":{"containers":[{"name":"app","image":"example.invalid/app:v1"}]}}"""),
    };

    [Fact]
    public async Task Watch_CompactedResourceVersion_YieldsGoneError()
    {
        var ns = await cluster.CreateNamespaceAsync("watch");
        var old = (await Client.CreateAsync(PodTemplates, ns, PodTemplate("old"))).ValueOrThrow();
        (await Client.PatchAsync(PodTemplates, ns, "old", PatchType.Merge, System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"labels":{"v":"2"}}}""")!)).ValueOrThrow();
        (await Client.CreateAsync(PodTemplates, ns, PodTemplate("newer"))).ValueOrThrow();
        await cluster.CompactEtcdAsync(); // compacts past the watch's start (old + 1), so that history is gone
        using var cts = new CancellationTokenSource(Deadline);

        WatchEvent? first = null;
        await foreach (var ev in Client.WatchAsync(PodTemplates, ns, new WatchOptions { ResourceVersion = Objects.Str(old, "metadata", "resourceVersion") }, cts.Token))
        {
            first = ev;
            break;
        }

        Assert.NotNull(first);
        Assert.Equal(WatchEventType.Error, first.Type);
        Assert.True(first.Status!.IsGone, first.Status.ToString());
        Assert.Equal(410, first.Status.Code);
    }

    [Fact]
    public async Task Informer_ResumeFromCompactedResourceVersion_GetsGoneRelistsAndCachesEverything()
    {
        var ns = await cluster.CreateNamespaceAsync("informer");
        var before = (await Client.CreateAsync(PodTemplates, ns, PodTemplate("before"))).ValueOrThrow();
        (await Client.CreateAsync(PodTemplates, ns, PodTemplate("second"))).ValueOrThrow();
        (await Client.CreateAsync(PodTemplates, ns, PodTemplate("third"))).ValueOrThrow();
        await cluster.CompactEtcdAsync(); // compacts past the resume point (before + 1)
        var events = new ConcurrentQueue<InformerEvent<JsonObject>>();
        await using var informer = new KubeInformer<JsonObject>(Client, PodTemplates, ns, InformerCodecs.Json,
            new InformerOptions { StartResourceVersion = Objects.Str(before, "metadata", "resourceVersion"), BackoffInitial = TimeSpan.FromMilliseconds(10) },
            (ev, _) => { events.Enqueue(ev); return ValueTask.CompletedTask; }, new Random(7));

        informer.Start();
        using var cts = new CancellationTokenSource(Deadline);
        await informer.WaitForSyncAsync(cts.Token);
        (await Client.CreateAsync(PodTemplates, ns, PodTemplate("after"))).ValueOrThrow();
        await Eventually.WaitAsync(() => informer.Get(ns, "after") is not null, Deadline, "the informer to see 'after'");

        Assert.Equal(1, informer.ExpiredCount);
        Assert.Equal(1, informer.ListCount);
        Assert.NotNull(informer.Get(ns, "before"));
        Assert.NotNull(informer.Get(ns, "third"));
        Assert.Equal(["after", "before", "second", "third"], events.Where(e => e.Type == InformerEventType.Added).Select(e => Objects.Str(e.Object, "metadata", "name")).Order());
    }

    [Fact]
    public async Task Informer_ChangesAfterSync_ReachStoreAndCallbackInOrder()
    {
        var ns = await cluster.CreateNamespaceAsync("informer");
        var events = new ConcurrentQueue<(InformerEventType Type, string? Name, string? V)>();
        await using var informer = new KubeInformer<JsonObject>(Client, KubeResource.ConfigMaps, ns, InformerCodecs.Json,
            new InformerOptions { LabelSelector = "app=web" },
            (ev, _) => { events.Enqueue((ev.Type, Objects.Str(ev.Object, "metadata", "name"), Objects.Str(ev.Object, "data", "v"))); return ValueTask.CompletedTask; });
        informer.Start();
        using var cts = new CancellationTokenSource(Deadline);
        await informer.WaitForSyncAsync(cts.Token);
        var labels = new Dictionary<string, string> { ["app"] = "web" };

        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("a", new Dictionary<string, string> { ["v"] = "1" }, labels))).ValueOrThrow();
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("unlabelled"))).ValueOrThrow();
        (await Client.PatchAsync(KubeResource.ConfigMaps, ns, "a", PatchType.Merge, System.Text.Json.Nodes.JsonNode.Parse("""{"data":{"v":"2"}}""")!)).ValueOrThrow();
        (await Client.DeleteAsync(KubeResource.ConfigMaps, ns, "a")).ValueOrThrow();
        await Eventually.WaitAsync(() => events.Any(e => e.Type == InformerEventType.Deleted), Deadline, "the Deleted event");

        Assert.Equal([(InformerEventType.Added, "a", "1"), (InformerEventType.Modified, "a", "2"), (InformerEventType.Deleted, "a", "2")], events);
        Assert.Empty(informer.List());
        Assert.False(string.IsNullOrEmpty(informer.LastResourceVersion));
    }

    [Fact]
    public async Task Informer_ResyncPeriod_HandsCachedObjectsToCallbackAgain()
    {
        var ns = await cluster.CreateNamespaceAsync("informer");
        (await Client.CreateAsync(KubeResource.ConfigMaps, ns, Objects.ConfigMap("cached"))).ValueOrThrow();
        var resyncs = 0;
        await using var informer = new KubeInformer<JsonObject>(Client, KubeResource.ConfigMaps, ns, InformerCodecs.Json,
            new InformerOptions { ResyncPeriod = TimeSpan.FromMilliseconds(100), FieldSelector = "metadata.name=cached" },
            (ev, _) =>
            {
                if (ev.Type == InformerEventType.Resync)
                {
                    Interlocked.Increment(ref resyncs);
                }
                return ValueTask.CompletedTask;
            });

        informer.Start();

        await Eventually.WaitAsync(() => Volatile.Read(ref resyncs) >= 2, Deadline, "two resyncs");
        Assert.Single(informer.List());
    }
}
