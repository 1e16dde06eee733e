using System.Diagnostics;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

namespace Canaria.Bench.Scale;

internal static class Setup
{
    public static async Task NamespaceAndCrdAsync(KubeClient client, string ns, CancellationToken cancellationToken)
    {
        var created = await client.CreateAsync(KubeResource.Namespaces, null,
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, cancellationToken);
        if (!created.IsSuccess && !created.Error!.IsAlreadyExists) created.ValueOrThrow();
        var crd = (JsonObject)YamlJson.Parse(await File.ReadAllTextAsync(Path.Combine(Root(), "deploy", "crds", "rollouts.canaria.dev.yaml"), cancellationToken))!;
        var installed = await client.CreateAsync(KubeResource.CustomResourceDefinitions, null, crd, cancellationToken);
        if (!installed.IsSuccess && !installed.Error!.IsAlreadyExists) installed.ValueOrThrow();
        for (var i = 0; ; i++)
        {
            var served = await client.ListAsync(Canaria.Kubernetes.Resources.RolloutResource.Rollouts, ns, new ListOptions { Limit = 1 }, cancellationToken);
            if (served.IsSuccess) return;
            if (i > 60) throw new InvalidOperationException($"the Rollout CRD is not served: {served.Error}");
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until every Rollout in <paramref name="rollouts"/> (the driver's cache, fed by a watch: polling the fleet by
    /// paged lists read etcd each time and loaded the API server the controller is measured against) satisfies
    /// <paramref name="done"/>, printing progress every 10 s; returns when the first one did.
    /// </summary>
    public static async Task<TimeSpan> WaitAsync(KubeInformer rollouts, int count, string what, Func<JsonObject, bool> done, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var printed = TimeSpan.Zero;
        TimeSpan? first = null;
        while (true)
        {
            var all = rollouts.List();
            var n = all.Count(done);
            if (n > 0) first ??= clock.Elapsed;
            if (n == count && all.Count == count) return first!.Value;
            if (clock.Elapsed > timeout) throw new TimeoutException($"after {timeout}: {n}/{count} Rollouts {what}");
            if (clock.Elapsed - printed > TimeSpan.FromSeconds(10))
            {
                printed = clock.Elapsed;
                Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: {n}/{count} {what}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public static async Task WaitForPodsAsync(KubeInformer deployments, int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = deployments.List().Count(d => (int?)d["status"]?["readyReplicas"] == Fleet.Replicas);
            if (ready == count) return;
            if (clock.Elapsed > Timeout(20, count)) throw new TimeoutException($"{ready}/{count} Deployments ready after {Timeout(20, count)}");
            Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: {ready}/{count} Deployments with their pod Ready");
            await Task.Delay(5000, cancellationToken);
        }
    }

    /// <summary>Waits until the controller observed every Rollout's spec with <paramref name="progressDeadline"/> (the cache may still hold older ones).</summary>
    public static Task WaitObservedAsync(KubeInformer rollouts, int count, string progressDeadline, CancellationToken cancellationToken) =>
        WaitAsync(rollouts, count, "observed their generation", r => (string?)r["spec"]?["progressDeadline"] == progressDeadline
            && (long?)r["status"]?["observedGeneration"] == (long?)r["metadata"]?["generation"], Timeout(10, count), cancellationToken);

    /// <summary>A phase's time limit: <paramref name="minutes"/> per 1,000 Rollouts (at least that).</summary>
    public static TimeSpan Timeout(int minutes, int count) => TimeSpan.FromMinutes(minutes * Math.Max(1, count / 1000.0));

    private static string Root()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Canaria.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmark from the repository (bench/scale/run.sh does)");
    }
}
