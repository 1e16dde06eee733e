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

    /// <summary>Waits until every Rollout satisfies <paramref name="done"/>, printing progress every 10 s.</summary>
    public static async Task WaitAsync(Fleet fleet, string what, Func<JsonObject, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var printed = TimeSpan.Zero;
        while (true)
        {
            var rollouts = await fleet.RolloutsAsync(cancellationToken);
            var n = rollouts.Count(done);
            if (n == fleet.Count && rollouts.Count == fleet.Count) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"after {timeout}: {n}/{fleet.Count} Rollouts {what}");
            if (clock.Elapsed - printed > TimeSpan.FromSeconds(10))
            {
                printed = clock.Elapsed;
                Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: {n}/{fleet.Count} {what}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500 * Math.Max(1, fleet.Count / 1000)), cancellationToken); // a list of 10,000 is heavy
        }
    }

    public static async Task WaitForPodsAsync(KubeClient client, string ns, int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var deployments = (await client.ListAllAsync(KubeResource.Deployments, ns, cancellationToken: cancellationToken)).ValueOrThrow().Items;
            var ready = deployments.Count(d => (int?)d["status"]?["readyReplicas"] == Fleet.Replicas);
            if (ready == count) return;
            if (clock.Elapsed > Timeout(20, count)) throw new TimeoutException($"{ready}/{count} Deployments ready after {Timeout(20, count)}");
            Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: {ready}/{count} Deployments with their pod Ready");
            await Task.Delay(5000, cancellationToken);
        }
    }

    public static Task WaitObservedAsync(Fleet fleet, CancellationToken cancellationToken) =>
        WaitAsync(fleet, "observed their generation", r => (long?)r["status"]?["observedGeneration"] == (long?)r["metadata"]?["generation"],
            Timeout(10, fleet.Count), cancellationToken);

    /// <summary>A phase's time limit: <paramref name="minutes"/> per 1,000 Rollouts (at least that).</summary>
    public static TimeSpan Timeout(int minutes, int count) => TimeSpan.FromMinutes(minutes * Math.Max(1, count / 1000.0));

    private static string Root()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Canaria.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmark from the repository (bench/scale/run.sh does)");
    }
}
