using Canaria.Core.Engine;
using Canaria.Kubernetes.Controller;

namespace Canaria.Kubernetes.Tests.Controller;

public sealed class ReplicaPlanTests
{
    private static RolloutStatus Releasing(StepState state = StepState.Paused, int weight = 0) => new()
    {
        StableRevision = 1,
        CanaryRevision = 2,
        StepState = state,
        Traffic = new TrafficTarget { StableRevision = 1, CanaryRevision = 2, CanaryWeight = weight },
    };

    private static Observation Ready(int stable, int canary) => new()
    {
        SpecRevision = 2,
        Revisions = new Dictionary<int, ReplicaObservation> { [1] = new(stable, stable), [2] = new(canary, canary) },
    };

    [Fact]
    public void For_NoRelease_StableAtFullSize()
    {
        var plan = ReplicaPlan.For(new RolloutStatus { StableRevision = 1 }, new Dictionary<int, int> { [1] = 3 }, replicas: 3, Ready(3, 0));

        Assert.Equal(new Dictionary<int, int> { [1] = 3 }, plan);
    }

    [Fact]
    public void For_OneCanaryPod_StableKeepsAllPods()
    {
        // seed 004: 10 v1 + 1 v2
        var plan = ReplicaPlan.For(Releasing(), new Dictionary<int, int> { [1] = 10, [2] = 1 }, replicas: 10, Ready(10, 0));

        Assert.Equal(10, plan[1]);
        Assert.Equal(1, plan[2]);
    }

    [Fact]
    public void For_CanaryAtFullSize_StableKeepsAllPodsUntilFullTraffic()
    {
        // issue 11: a canary as large as the Deployment never costs stable a pod
        var plan = ReplicaPlan.For(Releasing(StepState.Upgrading, 50), new Dictionary<int, int> { [1] = 2, [2] = 2 }, replicas: 2, Ready(2, 1));

        Assert.Equal(2, plan[1]);
        Assert.Equal(2, plan[2]);
    }

    [Fact]
    public void For_FullTraffic_CanaryAtFullSizeAndStableZero()
    {
        var plan = ReplicaPlan.For(Releasing(StepState.RoutingTraffic, 100), new Dictionary<int, int> { [1] = 4, [2] = 1 }, replicas: 4, Ready(4, 1));

        Assert.Equal(0, plan[1]);
        Assert.Equal(4, plan[2]);
    }

    [Fact]
    public void For_AbortingWithoutReadyStable_KeepsCanaryUntilStableIsReady()
    {
        var engine = new Dictionary<int, int> { [1] = 4, [2] = 4 };
        var waiting = ReplicaPlan.For(Releasing(StepState.Aborting, 100), engine, replicas: 4, Ready(0, 4));
        var ready = ReplicaPlan.For(Releasing(StepState.Aborting, 100), engine, replicas: 4, Ready(1, 4));

        Assert.Equal((4, 4), (waiting[1], waiting[2]));
        Assert.Equal((4, 0), (ready[1], ready[2]));
    }

    [Theory]
    [InlineData(1, 10, 9)]
    [InlineData(1, 1, 50)]
    [InlineData(0, 0, 0)]
    [InlineData(2, 0, 100)]
    public void ReadyShare_Counts_CanaryPercentOfReadyPods(int canary, int stable, int expected) =>
        Assert.Equal(expected, ReplicaPlan.ReadyShare(canary, stable));
}
