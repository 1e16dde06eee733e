using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>Shared steps of the stat tests: a Rollout with a router, a status as the controller would store it, a full Prometheus window, and the assertions.</summary>
internal static class StatTestBed
{
    public static readonly (double Le, double Share)[] StableLatency = [(10, 0.5), (25, 0.9), (50, 0.99), (100, 1.0)];
    public static readonly (double Le, double Share)[] CanaryLatency = [(10, 0.2), (25, 0.6), (50, 0.9), (100, 0.98)];
    private static readonly HttpClient Http = new();

    public static async Task<string> RolloutWithRouterAsync(ControlPlaneFixture cluster, string prefix, JsonObject? trafficRouting)
    {
        await RolloutCrd.InstallAsync(cluster.Client);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 10 });
        rollout["spec"]!["service"] = new JsonObject { ["name"] = "myapp" };
        if (trafficRouting is not null) rollout["spec"]!["trafficRouting"] = trafficRouting;
        (await cluster.Client.CreateAsync(RolloutResource.Rollouts, ns, rollout)).ValueOrThrow();
        return ns;
    }

    /// <summary>Writes what the controller would store (these tests run none): revision numbers of these ReplicaSets' templates, and which is stable/canary.</summary>
    public static async Task StoreStatusAsync(ControlPlaneFixture cluster, string ns, JsonObject stable, JsonObject? canary)
    {
        var revisions = new JsonObject { [PodTemplates.Hash(stable["spec"]!["template"])] = 1 };
        if (canary is not null) revisions[PodTemplates.Hash(canary["spec"]!["template"])] = 2;
        (await cluster.Client.UpdateWithRetryAsync(RolloutResource.Rollouts, ns, "myapp", r =>
        {
            r["status"] = new JsonObject
            {
                ["phase"] = canary is null ? "Healthy" : "Paused", ["stableRevision"] = 1, ["canaryRevision"] = canary is null ? null : 2,
                ["stableReplicaSet"] = Objects.Str(stable, "metadata", "name"), ["canaryReplicaSet"] = Objects.Str(canary, "metadata", "name"), ["revisions"] = revisions,
            };
            return true;
        }, status: true)).ValueOrThrow();
    }

    /// <summary>Creates (or updates) the Deployment and returns the ReplicaSet the Deployment controller made for its current template.</summary>
    public static async Task<JsonObject> ReplicaSetOfAsync(ControlPlaneFixture cluster, string ns, JsonObject deployment)
    {
        var created = await cluster.Client.CreateAsync(KubeResource.Deployments, ns, deployment);
        if (created.Error is { IsAlreadyExists: true })
            (await cluster.Client.UpdateWithRetryAsync(KubeResource.Deployments, ns, "myapp", d => { d["spec"]!["template"] = deployment["spec"]!["template"]!.DeepClone(); return true; })).ValueOrThrow();
        else created.ValueOrThrow();
        // The API server defaults the template's fields; the ReplicaSet carries the defaulted copy, so hash what was stored.
        var hash = PodTemplates.Hash((await cluster.Client.GetAsync(KubeResource.Deployments, ns, "myapp")).ValueOrThrow()["spec"]!["template"]);
        JsonObject? rs = null;
        await Eventually.WaitAsync(async () => (rs = (await cluster.Client.ListAllAsync(KubeResource.ReplicaSets, ns)).ValueOrThrow().Items
            .FirstOrDefault(x => PodTemplates.Hash(x["spec"]!["template"]) == hash)) is not null, RolloutScenario.Deadline, "the Deployment controller to create the ReplicaSet");
        return rs!;
    }

    public static async Task<JsonNode> StatJsonAsync(ControlPlaneFixture cluster, string ns, PrometheusProcess prometheus) =>
        (await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString(), "--window", "10s", "-o", "json")).Json();

    /// <summary>Waits until Prometheus holds at least 10 scrapes of <paramref name="series"/> inside the last 10 s, so a 10 s window is full.</summary>
    public static async Task WaitForFullWindowAsync(PrometheusProcess prometheus, string series)
    {
        await Eventually.WaitAsync(async () =>
        {
            Assert.False(prometheus.HasExited, "prometheus exited: " + prometheus.LastLog);
            var url = new Uri(prometheus.Address, "/api/v1/query?query=" + Uri.EscapeDataString($"count_over_time({series}[10s])"));
            JsonNode? body;
            try
            {
                body = JsonNode.Parse(await Http.GetStringAsync(url));
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
            var value = body?["data"]?["result"] is JsonArray { Count: > 0 } result ? (string?)result[0]!["value"]?[1] : null;
            return value is not null && double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) >= 10;
        }, TimeSpan.FromSeconds(60), $"10 scrapes of {series} within 10s");
    }

    public static void AssertVersion(JsonNode v, int? revision, string backend, double success, double rps, (double Le, double Share)[] latency, double toMs = 1)
    {
        Assert.Equal(backend, (string?)v["backend"]);
        Assert.Equal(revision, (int?)v["revision"]);
        // Success rate and percentiles are ratios of series scraped at the same instants, nearly exact; on a loaded machine
        // one run read 0.98958 for 0.99 (rate()'s extrapolation at a window edge), so allow a tenth of a point.
        Assert.InRange((double)v["successRate"]!, success - 0.001, success + 0.001);
        // rate() extrapolates to the window's edges only when scrapes came on time; on a loaded machine a late scrape
        // costs a few percent.
        Assert.InRange((double)v["rps"]!, rps * 0.9, rps * 1.1);
        Assert.Equal(HistogramQuantile.Of(0.5, latency) * toMs, (double)v["p50Ms"]!, 6);
        Assert.Equal(HistogramQuantile.Of(0.95, latency) * toMs, (double)v["p95Ms"]!, 6);
        Assert.Equal(HistogramQuantile.Of(0.99, latency) * toMs, (double)v["p99Ms"]!, 6);
    }
}
