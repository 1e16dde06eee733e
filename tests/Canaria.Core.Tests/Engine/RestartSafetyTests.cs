using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

/// <summary>Decisions right after a controller restart, and specs that change under a running release.</summary>
public sealed class RestartSafetyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reconcile_AppliedSplitUnknownAfterRestart_KeepsOldRevisionPastItsDelay()
    {
        var spec = Specs.Canary();
        var status = new RolloutStatus
        {
            Phase = RolloutPhase.Healthy,
            StableRevision = 2,
            StepState = StepState.Completed,
            Traffic = TrafficTarget.AllStable(2),
            ScaleDowns = [new PendingScaleDown(1, 10, T0)],
        };
        var observation = new Observation
        {
            SpecRevision = 2,
            Revisions = new Dictionary<int, ReplicaObservation> { [1] = new(10, 10), [2] = new(10, 10) },
            AppliedTraffic = null,
        };

        var unknown = RolloutEngine.Reconcile(spec, status, observation, T0.AddMinutes(5));
        Assert.Equal(10, unknown.Replicas[1]);

        var known = RolloutEngine.Reconcile(spec, status, observation with { AppliedTraffic = TrafficTarget.AllStable(2) }, T0.AddMinutes(5));
        Assert.False(known.Replicas.ContainsKey(1));
    }

    [Fact]
    public void Reconcile_CheckAddedToSpecMidRelease_StepWaitsForItsPass()
    {
        var old = Specs.Canary(Specs.Traffic(20), Specs.Traffic(50)) with { Analysis = Specs.SuccessAnalysis() };
        var status = new RolloutStatus
        {
            StableRevision = 1,
            CanaryRevision = 2,
            StepIndex = 0,
            StepState = StepState.Analyzing,
            StepStartedAt = T0,
            StateSince = T0,
            TrafficAppliedAt = T0,
            CanaryScale = 2,
            Traffic = new TrafficTarget { StableRevision = 1, CanaryRevision = 2, CanaryWeight = 20 },
            Checks = [new CheckStatus { Name = "success", StepPasses = 1 }],
        };
        var latency = new CheckSpec { Name = "latency", Metric = MetricKind.LatencyP99, Max = 300 };
        var spec = old with { Analysis = old.Analysis! with { Checks = [.. old.Analysis.Checks, latency] } };
        var observation = new Observation
        {
            SpecRevision = 2,
            Revisions = new Dictionary<int, ReplicaObservation> { [1] = new(10, 10), [2] = new(2, 2) },
            AppliedTraffic = status.Traffic,
        };

        var held = RolloutEngine.Reconcile(spec, status, observation, T0.AddSeconds(10));
        Assert.Equal(StepState.Analyzing, held.Status.StepState);
        Assert.Contains(held.Status.Checks, c => c.Name == "latency");

        var pass = new Measurement("latency", Verdict.Pass, 120, "latencyP99 120 ms", T0.AddSeconds(11), 2, 0);
        var passed = RolloutEngine.Reconcile(spec, held.Status, observation with { Measurements = [pass] }, T0.AddSeconds(11));
        Assert.Equal(1, passed.Status.StepIndex);
    }
}
