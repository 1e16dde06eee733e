using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Bench.Scale;

/// <summary>
/// The benchmark's Rollouts: app-N = a Deployment (2 replicas, maxSurge 1), its Service and a Rollout with one
/// 50% step and an untimed pause. Without a router the split is the ready pods: at the step 1 canary pod next to
/// 2 stable ones (replicas + maxSurge − canary), so the first step's split is verified when status.weight is 33.
/// </summary>
internal sealed class Fleet(KubeClient client, string ns, int count)
{
    public const int Replicas = 2;
    public const int VerifiedWeight = 33;

    /// <summary>Every Deployment's image before a release.</summary>
    public const string Image = "example.invalid/app:v1";

    public string Namespace => ns;
    public int Count => count;

    public static string Name(int i) => $"app-{i:D5}";

    /// <summary>
    /// Creates every app's Deployment, Service and Rollout, the three at once, <paramref name="parallel"/> apps at a time
    /// (SCALE_CREATORS; the driver's client allows 500 requests a second, so the API server sets the pace).
    /// </summary>
    public Task CreateAsync(int parallel, CancellationToken cancellationToken) => Parallel.ForEachAsync(Enumerable.Range(0, count),
        new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = Name(i);
            await Task.WhenAll(CreateOrKeepAsync(KubeResource.Deployments, Deployment(name), ct), CreateOrKeepAsync(KubeResource.Services, Service(name), ct),
                CreateOrKeepAsync(RolloutResource.Rollouts, Rollout(name), ct));
        });

    /// <summary>What `kubectl set image deployment/NAME app=IMAGE` sends.</summary>
    public Task SetImageAsync(string name, string image, CancellationToken cancellationToken) =>
        Must(client.PatchAsync(KubeResource.Deployments, ns, name, PatchType.StrategicMerge, new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
                },
            },
        }, cancellationToken: cancellationToken));

    /// <summary>Changes every Rollout's spec harmlessly (progressDeadline), so each must be reconciled to observe its new generation.</summary>
    public Task TouchAllAsync(string progressDeadline, CancellationToken cancellationToken) => Parallel.ForEachAsync(Enumerable.Range(0, count),
        new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            await Must(client.PatchAsync(RolloutResource.Rollouts, ns, Name(i), PatchType.Merge,
                new JsonObject { ["spec"] = new JsonObject { ["progressDeadline"] = progressDeadline } }, cancellationToken: ct)));

    private async Task CreateOrKeepAsync(KubeResource resource, JsonObject obj, CancellationToken cancellationToken)
    {
        var created = await client.CreateAsync(resource, ns, obj, cancellationToken);
        if (!created.IsSuccess && !created.Error!.IsAlreadyExists) throw new InvalidOperationException($"creating {resource.Kind} failed: {created.Error}");
    }

    private static async Task Must(Task<KubeResult<JsonObject>> call) => (await call).ValueOrThrow();

    private static JsonObject Labels(string name) => new() { ["app"] = name };

    private static JsonObject Deployment(string name) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = Labels(name) },
        ["spec"] = new JsonObject
        {
            ["replicas"] = Replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = Labels(name) },
            ["strategy"] = new JsonObject
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = 0 },
            },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = Labels(name) },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "app",
                        ["image"] = Image,
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
                    }),
                },
            },
        },
    };

    private static JsonObject Service(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = Labels(name),
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
        },
    };

    private static JsonObject Rollout(string name) => new()
    {
        ["apiVersion"] = "canaria.dev/v1alpha1",
        ["kind"] = "Rollout",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["workloadRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = name },
            ["service"] = new JsonObject { ["name"] = name },
            ["strategy"] = new JsonObject
            {
                ["canary"] = new JsonObject
                {
                    ["steps"] = new JsonArray(new JsonObject { ["traffic"] = 50 }, new JsonObject { ["pause"] = new JsonObject() }),
                },
            },
        },
    };
}
