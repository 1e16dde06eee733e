using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// A rate() check on Kubernetes when Prometheus scrapes less often than the check's interval (as most clusters do:
/// 15-60 s): the measurement must cover a full interval of the step and its {{window}} must span enough scrapes.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutAnalysisWindowTests(ControlPlaneFixture cluster)
{
    private const string RateQuery = "rate(" + TestExporter.Counter + "{namespace=\"{{namespace}}\",version=\"{{version}}\"}[{{window}}])";

    [Fact]
    public async Task RateCheck_ScrapesSlowerThanTheInterval_HasDataAndPromotes()
    {
        await using var exporter = await TestExporter.StartAsync();
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused", scrapeInterval: "4s");
        await using var s = await RolloutScenario.StartAsync(cluster, "promwindow", startController: false);
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 4, "app:v1"), ready: 4);
        await using var controller = await AnalysisObjects.StartControllerAsync(cluster.Client, s);
        var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 25 });
        rollout["spec"]!["analysis"] = new JsonObject
        {
            ["interval"] = "2s",
            ["stepPasses"] = 1,
            ["inconclusiveLimit"] = 10, // the canary's series needs two scrapes (up to 8 s) before any rate exists
            ["checks"] = new JsonArray(new JsonObject
            {
                ["name"] = "requests",
                ["provider"] = "prometheus",
                ["address"] = prometheus.Address.ToString(),
                ["query"] = RateQuery,
                ["min"] = 0.01, // the counter grows at every scrape; rate() over a window with few scrapes is lower than 2.5/s, but not 0
            }),
        };
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1 as stable");

        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        var canary = await AnalysisObjects.CanaryHashAsync(s, "myapp");
        exporter.Set(s.Namespace, canary, 0.0);

        // A {{window}} of the 2 s interval (or less, for the step's first check) holds at most one scrape: no rate, ever.
        var end = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") is "Paused" or "Aborted"
            || (Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null
                && Objects.Str(r, "status", "stableReplicaSet")?.EndsWith(canary, StringComparison.Ordinal) == true),
            "the release to complete (or to stop)");
        var check = AnalysisObjects.Check(end, "requests");
        Assert.True(Objects.Str(end, "status", "phase") == "Healthy", $"{Objects.Str(end, "status", "message")}; check: {check?.ToJsonString()}");
        Assert.Equal("pass", ((string?)check?["lastVerdict"])?.ToLowerInvariant());
    }
}
