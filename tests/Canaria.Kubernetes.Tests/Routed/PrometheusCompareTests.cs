using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;

namespace Canaria.Kubernetes.Tests.Routed;

/// <summary>
/// `compare: stable` on a cluster: a real Prometheus (1 s scrapes) scrapes a fake Linkerd exporter (no mesh runs here)
/// whose counters advance per backend pod-template-hash; the controller reads both sides' increases since the step went
/// live by Linkerd's standard queries (spec.trafficRouting.smi) and the engine's sequential test judges them.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PrometheusCompareTests(ControlPlaneFixture cluster)
{
    private static readonly HttpClient Http = new();

    private static JsonArray TwentyThenFifty() => [new JsonObject { ["traffic"] = 20 }, new JsonObject { ["traffic"] = 50 }];

    /// <summary>The fake exporter, the Prometheus scraping it, and the release under test, stopped in that reverse order.</summary>
    private sealed record Bed(FakeLinkerdExporter Exporter, PrometheusProcess Prometheus, RoutedRelease R, string Canary) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await R.DisposeAsync();
            await Prometheus.DisposeAsync();
            await Exporter.DisposeAsync();
        }
    }

    /// <summary>v1 under an SMI split, Prometheus scraping the fake exporter with v1's traffic in it; the sequential check added; then v2 released.</summary>
    private async Task<Bed> ReleaseV2Async(string prefix, int inconclusiveLimit)
    {
        var exporter = await FakeLinkerdExporter.StartAsync();
        var prometheus = PrometheusProcess.Start(exporter.Address, "/metrics", "unused");
        RoutedRelease? r = null;
        try
        {
            r = await RoutedRelease.StartAsync(cluster, prefix, ["smi"], TwentyThenFifty());
            var v1 = await r.S.WaitForRolloutAsync("myapp", x => x["status"]?["stableReplicaSet"] is not null, "the stable ReplicaSet");
            exporter.Set(r.Namespace, (await r.PodHashOfAsync(Objects.Str(v1, "status", "stableReplicaSet")!))!, perScrape: 200, errorRatio: 0.005);
            (await r.Client.UpdateWithRetryAsync(RolloutResource.Rollouts, r.Namespace, "myapp", x =>
            {
                x["spec"]!["analysis"] = new JsonObject
                {
                    // Two scrapes per interval: increase() needs two samples in its window.
                    ["interval"] = "2s",
                    ["stepPasses"] = 1,
                    ["inconclusiveLimit"] = inconclusiveLimit,
                    ["checks"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "errors", ["compare"] = "stable", ["method"] = "sequential", ["provider"] = "prometheus", ["address"] = prometheus.Address.ToString(),
                    }),
                };
                return true;
            })).ValueOrThrow();
            await WaitForSeriesAsync(prometheus, "response_total");
            await r.SetImageAsync("app:v2");
            return new Bed(exporter, prometheus, r, await AnalysisObjects.CanaryHashAsync(r.S, "myapp"));
        }
        catch
        {
            // A failed start never leaves a Prometheus process or a controller running behind the failed test.
            if (r is not null) await r.DisposeAsync();
            await prometheus.DisposeAsync();
            await exporter.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails loudly when Prometheus did not start or never stored the exporter's series.</summary>
    private static Task WaitForSeriesAsync(PrometheusProcess prometheus, string series) => Eventually.WaitAsync(async () =>
    {
        Assert.False(prometheus.HasExited, "prometheus exited: " + prometheus.LastLog);
        try
        {
            var answer = JsonNode.Parse(await Http.GetStringAsync(new Uri(prometheus.Address, "/api/v1/query?query=" + Uri.EscapeDataString($"count_over_time({series}[5s])"))));
            return answer?["data"]?["result"] is JsonArray { Count: > 0 };
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }, TimeSpan.FromSeconds(60), $"Prometheus to scrape {series} from the fake exporter");

    [Fact]
    public async Task SequentialFromPrometheus_CanaryFailsOneInFive_AbortedWithTheEvidence()
    {
        await using var bed = await ReleaseV2Async("cmp-bad", inconclusiveLimit: 5);
        var (r, canary) = (bed.R, bed.Canary);

        bed.Exporter.Set(r.Namespace, canary, perScrape: 50, errorRatio: 0.2);

        var aborted = await r.S.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Aborted", "the sequential test to abort the release");
        var message = Objects.Str(aborted, "status", "message")!;
        Assert.Contains("analysis check 'errors' failed", message);
        Assert.Contains("canary error rate is higher than stable's", message);
        Assert.Contains("prometheus (smi (linkerd)", message);
        var check = AnalysisObjects.Check(aborted, "errors")!;
        Assert.Equal("fail", ((string?)check["lastVerdict"])?.ToLowerInvariant());
        // increase() extrapolates each counter to the window's edges and each is rounded: near 20%, not exactly 40/200.
        var evidence = System.Text.RegularExpressions.Regex.Match((string?)check["evidence"] ?? "",
            @"errors canary (\d+)/(\d+) \([\d.]+%\) vs stable \d+/\d+ \([\d.]+%\); SPRT H1 \+2pp: LLR [\d.]+ in \(-2\.99, 6\.86\)");
        Assert.True(evidence.Success, (string?)check["evidence"]);
        Assert.InRange(double.Parse(evidence.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / double.Parse(evidence.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0.15, 0.25);
        await Eventually.WaitAsync(async () => await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, "smi") == 0, RolloutScenario.Deadline, "the split back on stable");
    }

    [Fact]
    public async Task SequentialFromPrometheus_NoCanarySeries_InconclusiveAndPausesNamingTheQuery()
    {
        await using var bed = await ReleaseV2Async("cmp-nodata", inconclusiveLimit: 2);
        var (r, canary) = (bed.R, bed.Canary);
        // The canary's proxy exports nothing: stable has data, the canary none.

        var paused = await r.S.WaitForRolloutAsync("myapp", x => Objects.Str(x, "status", "phase") == "Paused"
            && Objects.Str(x, "status", "message")?.Contains("inconclusive", StringComparison.Ordinal) == true, "the release to pause as inconclusive");
        var check = AnalysisObjects.Check(paused, "errors")!;
        Assert.Equal("inconclusive", ((string?)check["lastVerdict"])?.ToLowerInvariant());
        Assert.Equal(0, (int?)check["stepPasses"]);
        Assert.Contains($"no data: the canary's requests query returned no series: sum(increase(response_total{{direction=\"outbound\",dst_namespace=\"{r.Namespace}\",dst_pod_template_hash=\"{canary}\"}}", (string?)check["evidence"]);
        Assert.StartsWith("step 1/", Objects.Str(paused, "status", "step"));
        Assert.Equal(20, await DataPlanes.CanaryShareAsync(r.Client, r.Namespace, "smi")); // held where it was, not rolled back, not promoted
        Assert.DoesNotContain(await r.S.EventsOfAsync("myapp"), e => Objects.Str(e, "reason") is "Completed" or "Promoted" or "AnalysisFailed");
    }

    [Fact]
    public async Task SequentialFromPrometheus_CanaryFailsLikeStable_PromotedThroughEveryStep()
    {
        await using var bed = await ReleaseV2Async("cmp-good", inconclusiveLimit: 5);
        var (r, canary) = (bed.R, bed.Canary);

        bed.Exporter.Set(r.Namespace, canary, perScrape: 100, errorRatio: 0.005);

        var done = await r.WaitForRestoredAsync("Healthy", "the release to complete with v2 stable");
        Assert.EndsWith(canary, Objects.Str(done, "status", "stableReplicaSet"), StringComparison.Ordinal);
        var check = AnalysisObjects.Check(done, "errors")!;
        Assert.Equal(0, (int?)check["failures"]);
        Assert.Equal("pass", ((string?)check["lastVerdict"])?.ToLowerInvariant());
        Assert.Contains("canary error rate is not worse than stable's", (string?)check["evidence"]);
        Assert.True((await r.S.EventsOfAsync("myapp")).Count(e => Objects.Str(e, "reason") == "StepStarted") >= 2, "both steps started");
    }
}
