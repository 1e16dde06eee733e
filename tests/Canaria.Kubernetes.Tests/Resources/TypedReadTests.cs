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
