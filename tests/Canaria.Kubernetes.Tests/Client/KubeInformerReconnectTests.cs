using System.Net;
using System.Text;
using Canaria.Kubernetes.Client;
using k8s;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Kubernetes.Tests.Client;

/// <summary>Reconnect and relist decisions of the informer, against a scripted fake API server.</summary>
public sealed class KubeInformerReconnectTests
{
    private sealed class ScriptedApi(Func<int, HttpResponseMessage?> watch) : DelegatingHandler
    {
        public int Lists;
        public int Watches;
        public readonly List<string?> WatchResourceVersions = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            if (query["watch"] != "true")
            {
                var n = Interlocked.Increment(ref Lists);
                return Json($$$"""{"kind":"ConfigMapList","metadata":{"resourceVersion":"{{{n * 100}}}"},"items":[{"metadata":{"name":"listed-{{{n}}}","namespace":"ns","resourceVersion":"{{{n * 100}}}"}}]}""");
            }
            lock (WatchResourceVersions)
            {
                WatchResourceVersions.Add(query["resourceVersion"]);
            }
            var response = watch(Interlocked.Increment(ref Watches));
            if (response is not null)
            {
                return response;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken); // an idle watch, until the informer stops
            throw new OperationCanceledException();
        }
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static string Event(string type, string name, string rv) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = type,
            ["object"] = new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = "ns", ["resourceVersion"] = rv },
            },
        }.ToJsonString() + "\n";

    private static KubeInformer<System.Text.Json.Nodes.JsonObject> Informer(ScriptedApi api) =>
        new(new KubeClient(new KubeClientConfig { Kube = new KubernetesClientConfiguration { Host = "https://fake.invalid" } }, handler: api), KubeResource.ConfigMaps, "ns", InformerCodecs.Json,
            new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(5), BackoffMax = TimeSpan.FromMilliseconds(20) }, random: new Random(1));

    [Fact]
    public async Task Informer_TransportErrorThenEvents_ReconnectsFromSameResourceVersionWithoutRelist()
    {
        var api = new ScriptedApi(n => n switch
        {
            1 => throw new HttpRequestException("connection reset"),
            2 => Json(Event("BOOKMARK", "", "150") + Event("ADDED", "watched", "160")),
            _ => null,
        });
        await using var informer = Informer(api);

        informer.Start();

        await Eventually.WaitAsync(() => informer.Get("ns", "watched") is not null && Volatile.Read(ref api.Watches) >= 3, TimeSpan.FromSeconds(10), "the watched object");
        Assert.Equal(1, api.Lists);
        Assert.Equal(["100", "100", "160"], api.WatchResourceVersions.Take(3));
        Assert.NotNull(informer.Get("ns", "listed-1"));
    }

    [Fact]
    public async Task Informer_GoneThenServerError_RelistsEachTimeAndDropsVanishedObjects()
    {
        var api = new ScriptedApi(n => n switch
        {
            1 => Json("""{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}}""" + "\n"),
            2 => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("""{"kind":"Status","code":500,"reason":"InternalError","message":"boom"}""") },
            _ => null,
        });
        await using var informer = Informer(api);

        informer.Start();

        await Eventually.WaitAsync(() => informer.ListCount == 3 && Volatile.Read(ref api.Watches) >= 3, TimeSpan.FromSeconds(10), "three lists");
        Assert.Equal(1, informer.ExpiredCount);
        Assert.Equal(["100", "200", "300"], api.WatchResourceVersions.Take(3));
        Assert.Equal(["listed-3"], informer.List().Select(o => Objects.Str(o, "metadata", "name")));
    }
}
