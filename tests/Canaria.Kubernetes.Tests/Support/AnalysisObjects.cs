using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>Analysis and webhook parts of a Rollout, and a controller these tests start and stop themselves.</summary>
internal static class AnalysisObjects
{
    /// <summary>The canary's error ratio from the test exporter, by the placeholders the controller fills in.</summary>
    public const string ErrorRatioQuery = TestExporter.Metric + "{namespace=\"{{namespace}}\",version=\"{{version}}\"}";

    public static JsonObject PrometheusAnalysis(Uri prometheus, int stepPasses, int inconclusiveLimit, double max = 0.05) => new()
    {
        ["interval"] = "1s",
        ["stepPasses"] = stepPasses,
        ["inconclusiveLimit"] = inconclusiveLimit,
        ["checks"] = new JsonArray(new JsonObject
        {
            ["name"] = "errors",
            ["provider"] = "prometheus",
            ["address"] = prometheus.ToString(),
            ["query"] = ErrorRatioQuery,
            ["max"] = max,
        }),
    };

    public static JsonObject Webhook(string name, string type, string url, string timeout = "5s", int retries = 0) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["url"] = url,
        ["timeout"] = timeout,
        ["retries"] = retries,
    };

    public static async Task<RolloutController> StartControllerAsync(KubeClient client, RolloutScenario s, TimeSpan? metricTimeout = null)
    {
        var controller = new RolloutController(client, new KubeControllerOptions
        {
            Namespace = s.Namespace,
            ProgressInterval = TimeSpan.FromMilliseconds(200),
            RetryInterval = TimeSpan.FromMilliseconds(500),
            MetricTimeout = metricTimeout ?? TimeSpan.FromSeconds(3),
        }, s.Log);
        await controller.StartAsync(CancellationToken.None);
        return controller;
    }

    /// <summary>The pod-template-hash of the canary ReplicaSet once the release has one: what {{version}} becomes.</summary>
    public static async Task<string> CanaryHashAsync(RolloutScenario s, string rollout)
    {
        var r = await s.WaitForRolloutAsync(rollout, x => Objects.Str(x, "status", "canaryReplicaSet") is not null, "a canary ReplicaSet");
        // The status names the ReplicaSet before the controller creates it (status first, then apply).
        var rs = await s.WaitForAsync(KubeResource.ReplicaSets, Objects.Str(r, "status", "canaryReplicaSet")!, _ => true, "the canary ReplicaSet");
        return Objects.Str(rs, "metadata", "labels", "pod-template-hash") ?? throw new InvalidOperationException("canary ReplicaSet without pod-template-hash");
    }

    /// <summary>status.canaria.checks[name] of the engine, as stored in the Rollout.</summary>
    public static JsonObject? Check(JsonObject rollout, string name) =>
        (rollout["status"]?["canaria"]?["checks"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["name"] == name);

    public static int Measurements(JsonObject rollout, string name) => (int?)Check(rollout, name)?["measurements"] ?? 0;
}
