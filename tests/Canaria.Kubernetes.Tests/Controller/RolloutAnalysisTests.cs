using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>
/// Prometheus checks on Kubernetes: a real Prometheus scrapes a test exporter whose error ratio the test sets for the
/// canary's pod-template-hash; the controller measures it in the engine's analysis window and acts on the verdicts.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutAnalysisTests(ControlPlaneFixture cluster)
{
    private static JsonObject Release(Uri prometheus, int stepPasses, int inconclusiveLimit, params JsonObject[] steps)
    {
        var rollout = RolloutObjects.Rollout("myapp", "myapp", steps);
        rollout["spec"]!["analysis"] = AnalysisObjects.PrometheusAnalysis(prometheus, stepPasses, inconclusiveLimit);
        return rollout;
    }

    /// <summary>A namespace with 4 ready v1 pods, the given Rollout adopted, Prometheus scraping the exporter; then v2 is set.</summary>
    private async Task<(RolloutScenario S, RolloutController Controller, string CanaryHash)> ReleaseV2Async(
        RolloutScenario s, TestExporter exporter, PrometheusProcess prometheus, JsonObject rollout)
    {
        await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 4, "app:v1"), ready: 4);
        var controller = await AnalysisObjects.StartControllerAsync(cluster.Client, s);
        (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1 as stable");
        await WaitForScrapeAsync(exporter, prometheus);
        (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();
        return (s, controller, await AnalysisObjects.CanaryHashAsync(s, "myapp"));
    }

    /// <summary>Fails loudly when Prometheus did not start or never scrapes the exporter.</summary>
    private static async Task WaitForScrapeAsync(TestExporter exporter, PrometheusProcess prometheus)
    {
        using var http = new HttpClient();
        await Eventually.WaitAsync(async () =>
        {
            if (prometheus.HasExited) throw new InvalidOperationException("prometheus exited: " + prometheus.LastLog);
            try
            {
                var up = await http.GetStringAsync(new Uri(prometheus.Address, "/api/v1/query?query=up"));
                return up.Contains($"\"instance\":\"{exporter.Address.Authority}\"", StringComparison.Ordinal) && up.Contains("\"1\"]", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, RolloutScenario.Deadline, $"Prometheus at {prometheus.Address} to scrape the test exporter (up == 1)");
    }

    [Fact]
    public async Task PrometheusCheck_GoodValue_PromotesThroughEveryStep()
    {
        await using var exporter = await TestExporter.StartAsync();
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await using var s = await RolloutScenario.StartAsync(cluster, "promgood", startController: false);
        // Until the test knows the canary's hash there is no data: tolerated here (inconclusive is never a pass).
        var (_, controller, canary) = await ReleaseV2Async(s, exporter, prometheus,
            Release(prometheus.Address, stepPasses: 2, inconclusiveLimit: 60, new JsonObject { ["traffic"] = 25 }, new JsonObject { ["traffic"] = 50 }));
        await using var _ = controller;

        exporter.Set(s.Namespace, canary, 0.01);

        var done = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null
            && Objects.Str(r, "status", "stableReplicaSet")?.EndsWith(canary, StringComparison.Ordinal) == true, "the release to complete with v2 stable");
        var check = AnalysisObjects.Check(done, "errors")!;
        Assert.True(AnalysisObjects.Measurements(done, "errors") >= 4, $"two passes at each of two steps: {check.ToJsonString()}");
        Assert.Equal(0, (int?)check["failures"]);
        Assert.Equal("pass", ((string?)check["lastVerdict"])?.ToLowerInvariant());
        Assert.Contains($"version=\"{canary}\"", (string?)check["evidence"]); // {{version}} is the canary's pod-template-hash
        var started = (await s.EventsOfAsync("myapp")).Count(e => Objects.Str(e, "reason") == "StepStarted");
        Assert.True(started >= 2, $"StepStarted events: {started}");
        await s.WaitForEventAsync("myapp", "Completed");
    }

    [Fact]
    public async Task PrometheusCheck_BadValue_AbortsWithTheEvidenceInStatusAndEvent()
    {
        await using var exporter = await TestExporter.StartAsync();
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await using var s = await RolloutScenario.StartAsync(cluster, "prombad", startController: false);
        var (_, controller, canary) = await ReleaseV2Async(s, exporter, prometheus,
            Release(prometheus.Address, stepPasses: 2, inconclusiveLimit: 60, new JsonObject { ["traffic"] = 25 }, new JsonObject { ["traffic"] = 50 }));
        await using var _ = controller;

        exporter.Set(s.Namespace, canary, 0.4);

        var aborted = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Aborted", "the release to abort");
        var message = Objects.Str(aborted, "status", "message")!;
        Assert.Contains("analysis check 'errors' failed", message);
        Assert.Contains("0.4", message);
        Assert.Contains("max 0.05", message);
        await s.WaitForEventAsync("myapp", "AnalysisFailed");
        var failed = (await s.EventsOfAsync("myapp")).First(e => Objects.Str(e, "reason") == "AnalysisFailed");
        Assert.Contains("max 0.05", Objects.Str(failed, "message"));
        await s.WaitForReadyImagesAsync(new Dictionary<string, int> { ["app:v1"] = 4 }, "all traffic and pods back on v1");
        // The conditions say why; the engine's own Warning events (one each) announce it, no second event is written.
        var after = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Equal(("False", "AnalysisFailed"), (Objects.Str(RolloutScenario.Condition(after, "AnalysisPassing"), "status"), Objects.Str(RolloutScenario.Condition(after, "AnalysisPassing"), "reason")));
        Assert.Equal(("False", "ReleaseAborted"), (Objects.Str(RolloutScenario.Condition(after, "Progressing"), "status"), Objects.Str(RolloutScenario.Condition(after, "Progressing"), "reason")));
        Assert.Single(await s.EventsOfAsync("myapp", "Warning", "Aborted"));
        Assert.Empty(await s.EventsOfAsync("myapp", "Warning", "ReleaseAborted"));
    }

    [Fact]
    public async Task PrometheusCheck_NoData_NeverPassesAndPausesForAHuman()
    {
        await using var exporter = await TestExporter.StartAsync();
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await using var s = await RolloutScenario.StartAsync(cluster, "promnodata", startController: false);
        var (_, controller, canary) = await ReleaseV2Async(s, exporter, prometheus,
            Release(prometheus.Address, stepPasses: 1, inconclusiveLimit: 2, new JsonObject { ["traffic"] = 25 }));
        await using var _ = controller;

        exporter.Set(s.Namespace, "not-" + canary, 0.0); // a perfect value, but for another version: no data for the canary

        var paused = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused"
            && Objects.Str(r, "status", "message")?.Contains("inconclusive", StringComparison.Ordinal) == true, "the release to pause as inconclusive");
        var check = AnalysisObjects.Check(paused, "errors")!;
        Assert.Equal(0, (int?)check["stepPasses"]);
        Assert.Equal("inconclusive", ((string?)check["lastVerdict"])?.ToLowerInvariant());
        Assert.Contains("no series", (string?)check["evidence"]);
        Assert.StartsWith("step 1/", Objects.Str(paused, "status", "step"));
        await s.WaitForEventAsync("myapp", "AnalysisInconclusive");
        Assert.Equal("AnalysisInconclusive", Objects.Str(RolloutScenario.Condition(paused, "AnalysisPassing"), "reason"));
        Assert.Equal("False", Objects.Str(RolloutScenario.Condition(paused, "AnalysisPassing"), "status"));
        Assert.DoesNotContain(await s.EventsOfAsync("myapp"), e => Objects.Str(e, "reason") is "Completed" or "Promoted");
    }

    [Fact]
    public async Task ControllerRestart_MidAnalysis_KeepsTheMeasurementCountAndGoesOn()
    {
        await using var exporter = await TestExporter.StartAsync();
        await using var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        await using var s = await RolloutScenario.StartAsync(cluster, "promrestart", startController: false);
        var (_, first, canary) = await ReleaseV2Async(s, exporter, prometheus,
            Release(prometheus.Address, stepPasses: 1000, inconclusiveLimit: 60, new JsonObject { ["traffic"] = 25 }));
        exporter.Set(s.Namespace, canary, 0.01);
        var before = await s.WaitForRolloutAsync("myapp", r => (int?)AnalysisObjects.Check(r, "errors")?["stepPasses"] >= 3, "three passing measurements");

        await first.DisposeAsync();
        var stopped = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        var counted = AnalysisObjects.Measurements(stopped, "errors");
        var passes = (int)AnalysisObjects.Check(stopped, "errors")!["stepPasses"]!;
        Assert.True(counted >= AnalysisObjects.Measurements(before, "errors"));
        await using var second = await AnalysisObjects.StartControllerAsync(cluster.Client, s);

        var after = await s.WaitForRolloutAsync("myapp", r => (int?)AnalysisObjects.Check(r, "errors")?["stepPasses"] >= passes + 2, "two more passes after the restart");
        Assert.True(AnalysisObjects.Measurements(after, "errors") >= counted + 2, "the count goes on from the stored status, not from zero");
        Assert.Equal("Progressing", Objects.Str(after, "status", "phase"));
        Assert.Equal(Objects.Str(stopped, "status", "canaryReplicaSet"), Objects.Str(after, "status", "canaryReplicaSet"));
    }
}
