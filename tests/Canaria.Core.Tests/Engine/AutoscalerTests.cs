using Canaria.Core.Engine;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

/// <summary>An autoscaler changes spec.Replicas (the platform's total) while a release waits at a step.</summary>
public class AutoscalerTests
{
    [Theory]
    [InlineData(20, 10)]
    [InlineData(4, 2)]
    public void Reconcile_ReplicasChangeAtAPausedStep_CanaryIsTheStepShareOfTheNewTotalAtTheSameStep(int newTotal, int canary)
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(50, Manual), Traffic(80)) with { Replicas = 10 });
        sim.SpecRevision = 2;
        var paused = sim.RunUntilState(StepState.Paused, 0);
        Assert.Equal(5, paused.Replicas[2]);

        sim.Spec = sim.Spec with { Replicas = newTotal };
        var after = sim.Run(3);

        Assert.Equal(canary, after.Replicas[2]);
        Assert.Equal(newTotal, after.Replicas[1]);
        Assert.Equal(StepState.Paused, after.Status.StepState);
        Assert.Equal(0, after.Status.StepIndex);
        Assert.Equal(2, after.Status.CanaryRevision);
        Assert.Equal(50, after.Traffic.CanaryWeight);
    }
}
