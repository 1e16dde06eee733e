using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

/// <summary>Which steps make the split follow ready replicas (seeds 000, 004), and how such a split is compared and shown.</summary>
public sealed class ReplicaRatioPlanTests
{
    private static StepSpec Replicas(int count) => new() { Replicas = new ReplicaCount(count, false), Pause = Specs.Manual };

    [Fact]
    public void At_ReplicasWithoutTrafficAnywhereBefore_IsReplicaRatioWithThoseReplicas()
    {
        var spec = Specs.Canary(Replicas(1), new StepSpec { Pause = Specs.Manual }, Replicas(5));

        var steps = Enumerable.Range(0, 3).Select(i => StepPlan.At(spec, i)).ToList();

        Assert.All(steps, s => Assert.True(s.ReplicaRatio));
        Assert.Equal([1, 1, 5], steps.Select(s => s.CanaryReplicas)); // a step without replicas keeps the last written
        Assert.Equal("replica ratio", steps[0].TrafficText);
    }

    [Fact]
    public void At_TrafficWrittenEarlierOrOnTheStep_IsNotReplicaRatio()
    {
        var spec = Specs.Canary(new StepSpec { Traffic = 0, Replicas = new ReplicaCount(1, false) }, Replicas(2),
            new StepSpec { Weights = new SplitWeights(1, 1) }, Replicas(3));

        Assert.All(Enumerable.Range(0, 4), i => Assert.False(StepPlan.At(spec, i).ReplicaRatio));
        Assert.Equal((0, 2), (StepPlan.At(spec, 1).Traffic, StepPlan.At(spec, 1).CanaryReplicas)); // traffic: 0 is an explicit warm-up
    }

    [Fact]
    public void At_FirstStepWritesNothingThenReplicas_RatioStartsAtTheReplicas()
    {
        var spec = Specs.Canary(new StepSpec { Pause = Specs.Manual }, Replicas(2), new StepSpec { Traffic = 50 });

        Assert.Equal([false, true, false], Enumerable.Range(0, 3).Select(i => StepPlan.At(spec, i).ReplicaRatio));
        Assert.Equal(0, StepPlan.At(spec, 0).CanaryReplicas);
    }

    [Fact]
    public void At_ReplicasZeroOrBlueGreenOrRouter_IsNotReplicaRatio()
    {
        var zero = Specs.Canary(Replicas(0));
        var blueGreen = Specs.BlueGreen(new StepSpec { Replicas = new ReplicaCount(100, true), Pause = Specs.Manual });
        var routed = Specs.Canary(Replicas(1)) with { TrafficRouting = new TrafficRoutingSpec { Smi = new SmiRouting() } };

        Assert.False(StepPlan.At(zero, 0).ReplicaRatio);
        Assert.False(StepPlan.At(blueGreen, 0).ReplicaRatio);
        Assert.False(StepPlan.At(routed, 0).ReplicaRatio);
        Assert.Equal((0, 1), (StepPlan.At(routed, 0).Traffic, StepPlan.At(routed, 0).CanaryReplicas)); // a router only scales
    }

    [Fact]
    public void SameAs_ReplicaRatioWithOtherReadyCounts_IsTheSameSplit()
    {
        var decided = new TrafficTarget { StableRevision = 1, CanaryRevision = 2, ReplicaRatio = true };
        var applied = decided with { Weights = new SplitWeights(4, 1), CanaryWeight = 20 };

        Assert.True(decided.SameAs(applied));
        Assert.False(decided.SameAs(applied with { ReplicaRatio = false }));
        Assert.True(decided.CanaryExposed);
        Assert.Null(applied.WrittenWeight(2));
        Assert.Equal("20% (replica ratio 1/5)", applied.WeightText);
    }

    [Fact]
    public void Reconcile_ReplicaRatioStep_PausesOnAReplicaRatioSplitWithOneCanaryReplica()
    {
        var sim = PlatformSim.Deployed(Specs.Canary(Replicas(1)) with { Replicas = 4 });
        sim.SpecRevision = 2;

        var paused = sim.RunUntil(s => s.StepState == StepState.Paused, 200, "paused at the replica-ratio step").Status;

        Assert.True(paused.Traffic!.ReplicaRatio);
        Assert.Equal(1, sim.Last!.Replicas[2]);
        Assert.Contains("replica ratio on revision 2", paused.Message);
    }
}
