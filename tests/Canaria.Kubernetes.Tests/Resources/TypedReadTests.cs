using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;
using k8s.Models;

namespace Canaria.Kubernetes.Tests.Resources;

/// <summary>
/// Core objects read as the official client's models, against the real kube-apiserver: a template hashes as it did when
/// it was read as JSON (the revisions stored in a Rollout's status keep their numbers across the upgrade), and the caches
/// hold no managedFields or last-applied-configuration.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TypedReadTests(ControlPlaneFixture cluster)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Hash_TypedTemplateOfServerObjects_EqualsTheHashOfTheirJson()
    {
        var ns = await cluster.CreateNamespaceAsync("typed");
        var deployment = Objects.Deployment("rich", 1, "rich");
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        // What the server normalises or defaults, and what the model has its own types for: quantities, int-or-string
        // ports, durations in seconds, empty structs, volumes, env.
        container["resources"] = JsonNode.Parse("""{"requests":{"cpu":"0.5","memory":"64Mi"},"limits":{"cpu":"1","memory":"1G"}}""");
        container["ports"] = JsonNode.Parse("""[{"name":"http","containerPort":8080}]""");
        container["readinessProbe"] = JsonNode.Parse("""{"httpGet":{"path":"/ready","port":"http"},"periodSeconds":2}""");
        container["livenessProbe"] = JsonNode.Parse("""{"tcpSocket":{"port":8080}}""");
        container["env"] = JsonNode.Parse("""[{"name":"A","value":"1"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]""");
        container["volumeMounts"] = JsonNode.Parse("""[{"name":"scratch","mountPath":"/tmp"}]""");
        deployment["spec"]!["template"]!["spec"]!["volumes"] = JsonNode.Parse("""[{"name":"scratch","emptyDir":{"sizeLimit":"100Mi"}}]""");
        deployment["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["team"] = "a" };
        var created = (await cluster.Client.CreateAsync(KubeResource.Deployments, ns, deployment)).ValueOrThrow();
        JsonObject? replicaSet = null;
        await Eventually.WaitAsync(async () => (replicaSet = (await cluster.Client.ListAllAsync(KubeResource.ReplicaSets, ns)).ValueOrThrow().Items is [var first, ..] ? first : null) is not null,
            Deadline, "the Deployment controller's ReplicaSet");

        foreach (var template in new[] { created["spec"]!["template"]!.AsObject(), replicaSet!["spec"]!["template"]!.AsObject() })
        {
            var typed = KubeClient.Model<V1PodTemplateSpec>((JsonObject)template.DeepClone());
            Assert.Equal(JsonHash(template), PodTemplates.Hash(typed));
            Assert.Equal(JsonHash(template), PodTemplates.Hash(template));
        }
        var view = DeploymentView.Of(KubeClient.Model<V1Deployment>(created), [KubeClient.Model<V1ReplicaSet>(replicaSet!)]);
        Assert.Equal(view.TemplateHash, Assert.Single(view.ReplicaSets).TemplateHash); // the label the controller added does not count
    }

    [Fact]
    public async Task Informer_TypedAndJson_CacheWithoutManagedFieldsOrLastApplied()
    {
        var ns = await cluster.CreateNamespaceAsync("typed");
        var service = JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"{{{ns}}}",
             "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"big\":true}","team":"a"}},
             "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":"http","protocol":"TCP"}]}}
            """)!.AsObject();
        var applied = (await cluster.Client.ApplyAsync(KubeResource.Services, ns, service, "typed-test")).ValueOrThrow();
        Assert.NotNull(applied["metadata"]?["managedFields"]); // the server keeps them: the caches must not
        await using var typed = new KubeInformer<V1Service>(cluster.Client, KubeResource.Services, ns, InformerCodecs.Services);
        await using var json = new KubeInformer<JsonObject>(cluster.Client, KubeResource.Services, ns, InformerCodecs.Json);
        typed.Start();
        json.Start();
        using var cts = new CancellationTokenSource(Deadline);
        await typed.WaitForSyncAsync(cts.Token);
        await json.WaitForSyncAsync(cts.Token);

        var cached = typed.Get(ns, "web")!;
        Assert.Null(cached.Metadata.ManagedFields);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a" }, cached.Metadata.Annotations);
        Assert.Equal("http", cached.Spec.Ports.Single().TargetPort!.Value);
        var raw = json.Get(ns, "web")!;
        Assert.Null(raw["metadata"]!["managedFields"]);
        Assert.Equal("""{"team":"a"}""", raw["metadata"]!["annotations"]!.ToJsonString());
    }

    [Fact]
    public void Hash_CachedTemplateWithAFieldTheModelDoesNotKnow_ThatFieldMakesANewHash()
    {
        // A newer server's pod field, unknown to the client's model: an edit of only that field must still be a new revision.
        var before = Objects.Deployment("app", 1, "app");
        var after = (JsonObject)before.DeepClone();
        after["spec"]!["template"]!["spec"]!["futureSchedulingField"] = new JsonObject { ["mode"] = "new" };

        var cachedBefore = InformerCodecs.Deployments.Decode((JsonObject)before.DeepClone());
        var cachedAfter = InformerCodecs.Deployments.Decode((JsonObject)after.DeepClone());

        Assert.NotEqual(PodTemplates.Hash(cachedBefore.Spec.Template), PodTemplates.Hash(cachedAfter.Spec.Template));
        Assert.Equal(JsonHash(after["spec"]!["template"]!.AsObject()), PodTemplates.Hash(cachedAfter.Spec.Template));
        Assert.Equal(JsonHash(after["spec"]!["template"]!.AsObject()), DeploymentView.Of(cachedAfter, []).TemplateHash);
    }

    [Fact]
    public async Task Informer_OneObjectCannotBeRead_SkippedAndEveryOtherObjectKeepsFlowing()
    {
        var ns = await cluster.CreateNamespaceAsync("typed");
        foreach (var name in new[] { "good", "broken" })
            (await cluster.Client.CreateAsync(KubeResource.ConfigMaps, ns, ConfigMap(name, "1"))).ValueOrThrow();
        var log = new ListLogger();
        await using var informer = new KubeInformer<JsonObject>(cluster.Client, KubeResource.ConfigMaps, ns, new RefusesBroken(), logger: log);
        informer.Start();
        using var cts = new CancellationTokenSource(Deadline);
        await informer.WaitForSyncAsync(cts.Token);
        Assert.NotNull(informer.Get(ns, "good"));
        Assert.Null(informer.Get(ns, "broken"));

        // The broken object changes (a watch event the codec refuses again), then a good one: the watch goes on past both.
        (await cluster.Client.PatchAsync(KubeResource.ConfigMaps, ns, "broken", PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["v"] = "2" } })).ValueOrThrow();
        (await cluster.Client.PatchAsync(KubeResource.ConfigMaps, ns, "good", PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["v"] = "2" } })).ValueOrThrow();
        (await cluster.Client.CreateAsync(KubeResource.ConfigMaps, ns, ConfigMap("later", "1"))).ValueOrThrow();

        await Eventually.WaitAsync(() => Task.FromResult((string?)informer.Get(ns, "good")?["data"]?["v"] == "2" && informer.Get(ns, "later") is not null),
            Deadline, "the good objects' changes after the unreadable one");
        Assert.True(log.CountContaining($"{ns}/broken") >= 2, log.Tail()); // once listed, once watched
        Assert.True(log.CountContaining("could not be read") >= 2, log.Tail());
        Assert.Equal(1, informer.ListCount); // read past it, never relisted because of it
    }

    private static JsonObject ConfigMap(string name, string v) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["v"] = v },
    };

    /// <summary>A codec that cannot read the object named "broken", as the client's model may fail on a newer server's field.</summary>
    private sealed class RefusesBroken : InformerCodec<JsonObject>
    {
        public override JsonObject Decode(JsonObject raw) =>
            (string?)raw["metadata"]?["name"] == "broken" ? throw new System.Text.Json.JsonException("cannot read field spec.x") : InformerCodecs.Json.Decode(raw);

        public override CachedIdentity Identity(JsonObject obj) => InformerCodecs.Json.Identity(obj);
    }

    /// <summary>The hash as Canaria computed it before reads were typed: the template's own JSON, sorted, without pod-template-hash.</summary>
    private static string JsonHash(JsonObject template)
    {
        var copy = (JsonObject)template.DeepClone();
        if (copy["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(PodTemplates.HashLabel);
            if (labels.Count == 0) copy["metadata"]!.AsObject().Remove("labels");
        }
        return PodTemplates.HashOfCanonical(CanonicalJson.Of(copy));
    }
}
