using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

/// <summary>Small spec builders for engine tests.</summary>
internal static class Specs
{
    public static StepSpec Traffic(int percent, PauseSpec? pause = null, ReplicaCount? replicas = null) =>
        new() { Traffic = percent, Pause = pause, Replicas = replicas };

    public static PauseSpec Manual => new();

    public static PauseSpec For(int seconds) => new() { Duration = TimeSpan.FromSeconds(seconds) };

    /// <summary>10 replicas, 10% → 30% → 60% → 100% with no pauses.</summary>
    public static RolloutSpec Canary(params StepSpec[] steps) => new()
    {
        Replicas = 10,
        Strategy = new StrategySpec
        {
            Steps = steps.Length > 0 ? steps : [Traffic(10), Traffic(30), Traffic(60), Traffic(100)],
        },
        ProgressDeadline = TimeSpan.FromMinutes(10),
        ScaleDownDelay = TimeSpan.FromSeconds(30),
    };

    public static RolloutSpec BlueGreen(params StepSpec[] steps) => new()
    {
        Replicas = 4,
        Strategy = new StrategySpec { Kind = StrategyKind.BlueGreen, Steps = steps },
    };

    public static AnalysisSpec SuccessAnalysis(int stepPasses = 1, int failureLimit = 0, int inconclusiveLimit = 3) => new()
    {
        StepPasses = stepPasses,
        FailureLimit = failureLimit,
        InconclusiveLimit = inconclusiveLimit,
        Checks = [new CheckSpec { Name = "success", Metric = MetricKind.SuccessRate, Min = 0.99 }],
    };
}
