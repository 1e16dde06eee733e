using Canaria.Core.Engine;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class JumpTests
{
    private static PlatformSim PausedAt(int step)
    {
        var sim = PlatformSim.Deployed(Canary(Traffic(10, Manual), Traffic(30, Manual), Traffic(60, Manual)));
        sim.SpecRevision = 2;
        for (var i = 0; i < step; i++)
        {
            sim.RunUntilState(StepState.Paused, i);
            sim.MustCommand(CommandKind.Promote);
        }
        sim.RunUntilState(StepState.Paused, step);
        return sim;
    }

    [Fact]
    public void Jump_Back_ReplicasShrinkOnlyAfterTrafficShrinks()
    {
        var sim = PausedAt(2);
        var router = false;
        sim.RouterApplies = () => router;
        var from = sim.History.Count;

        sim.MustCommand(CommandKind.Jump, 0);
        var held = sim.Run(5);
        Assert.Equal(StepState.RoutingTraffic, held.Status.StepState);
        Assert.Equal(10, held.Traffic.CanaryWeight);
        Assert.Equal(6, held.Replicas[2]);

        router = true;
        var paused = sim.RunUntilState(StepState.Paused, 0, 5);
        Assert.Equal(1, paused.Replicas[2]);
        Assert.All(sim.History.Skip(from).Where(h => h.Observation.AppliedTraffic?.CanaryWeight == 60), h => Assert.Equal(6, h.Decision.Replicas[2]));
        Assert.Contains(sim.Events, e => e.Reason == "Jumped");
    }

    [Fact]
    public void Jump_Forward_ReplicasGrowBeforeTraffic()
    {
        var sim = PausedAt(0);
        sim.ReadyPerTick = r => r == 2 ? 1 : int.MaxValue;
        var from = sim.History.Count;

        sim.MustCommand(CommandKind.Jump, 2);
        var paused = sim.RunUntilState(StepState.Paused, 2, 20);

        Assert.Equal(6, paused.Replicas[2]);
        var moved = sim.History.Skip(from).First(h => h.Decision.Traffic.CanaryWeight == 60);
        Assert.Equal(6, moved.Observation.Ready(2));
        Assert.All(sim.History.Skip(from).TakeWhile(h => h != moved), h => Assert.Equal(10, h.Decision.Traffic.CanaryWeight));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(99)]
    public void Jump_StepOutOfRange_Refused(int index)
    {
        var sim = PausedAt(1);

        var result = sim.Command(CommandKind.Jump, index);

        Assert.False(result.Ok);
        Assert.Contains("does not exist (steps are 1 to 3)", result.Error);
        Assert.Equal(1, sim.Status!.StepIndex);
    }

    [Fact]
    public void Jump_ToSameStep_RedoesTheStep()
    {
        var sim = PausedAt(1);

        sim.MustCommand(CommandKind.Jump, 1);
        Assert.Equal(StepState.Upgrading, sim.Status!.StepState);
        var d = sim.RunUntilState(StepState.Paused, 1, 5);

        Assert.Equal(30, d.Traffic.CanaryWeight);
    }
}
