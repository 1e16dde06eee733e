using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

public class RolloutCommandsTests
{
    private static readonly DateTimeOffset Now = PlatformSim.T0.AddMinutes(5);
    private static readonly RolloutSpec Spec = Canary(Traffic(10, Manual), Traffic(50));

    private static RolloutStatus Status(string state, bool paused = false) => state switch
    {
        "none" => new RolloutStatus { StableRevision = 1, StepState = StepState.Completed },
        "cancelled" => new RolloutStatus { StableRevision = 1, StepState = StepState.Aborted, Cancelled = true },
        _ => new RolloutStatus
        {
            StableRevision = 1,
            CanaryRevision = 2,
            StepState = Enum.Parse<StepState>(state),
            Paused = paused,
            PausedAt = paused ? Now.AddMinutes(-2) : null,
            PauseReason = paused ? "paused by a human" : null,
            StepStartedAt = Now.AddMinutes(-3),
        },
    };

    [Theory]
    // command, state, human-paused, ok, error fragment
    [InlineData("Promote", "Paused", false, true, null)]
    [InlineData("Promote", "Upgrading", false, true, null)]
    [InlineData("Promote", "none", false, false, "no release is in progress")]
    [InlineData("Promote", "Aborted", false, false, "no release is in progress")]
    [InlineData("Promote", "Aborting", false, false, "no release is in progress")]
    [InlineData("PromoteFull", "Analyzing", false, true, null)]
    [InlineData("PromoteFull", "Completed", false, false, "no release is in progress")]
    [InlineData("Pause", "Analyzing", false, true, null)]
    [InlineData("Pause", "Analyzing", true, false, "already paused (paused by a human)")]
    [InlineData("Pause", "none", false, false, "no release is in progress")]
    [InlineData("Resume", "Analyzing", true, true, null)]
    [InlineData("Resume", "Analyzing", false, false, "the rollout is not paused")]
    [InlineData("Resume", "Paused", false, true, null)]
    [InlineData("Resume", "none", false, false, "no release is in progress")]
    [InlineData("Abort", "RoutingTraffic", false, true, null)]
    [InlineData("Abort", "Paused", true, true, null)]
    [InlineData("Abort", "Aborted", false, false, "no release is in progress")]
    [InlineData("Abort", "none", false, false, "no release is in progress")]
    [InlineData("Retry", "Aborted", false, true, null)]
    [InlineData("Retry", "Paused", false, false, "only an aborted release can be retried")]
    [InlineData("Retry", "cancelled", false, false, "only an aborted release can be retried")]
    [InlineData("Retry", "none", false, false, "only an aborted release can be retried")]
    [InlineData("Jump", "Paused", false, true, null)]
    [InlineData("Jump", "Aborted", false, false, "no release is in progress")]
    public void Apply_CommandInState_AcceptsOrRefuses(string command, string state, bool paused, bool ok, string? error)
    {
        var before = Status(state, paused);

        var result = RolloutCommands.Apply(Spec, before, new RolloutCommand(Enum.Parse<CommandKind>(command), 1), Now);

        Assert.Equal(ok, result.Ok);
        if (ok)
        {
            Assert.NotNull(result.Status);
            Assert.NotNull(result.Event);
            Assert.Equal(Now, result.Event!.At);
        }
        else
        {
            Assert.Null(result.Status);
            Assert.Contains(error!, result.Error);
        }
    }

    [Fact]
    public void Resume_AfterHumanPause_MovesStepStartByPausedTime()
    {
        var before = Status("Upgrading", paused: true);

        var after = RolloutCommands.Apply(Spec, before, new RolloutCommand(CommandKind.Resume), Now).Status!;

        Assert.False(after.Paused);
        Assert.Null(after.PausedAt);
        Assert.Null(after.PauseReason);
        Assert.Equal(before.StepStartedAt + TimeSpan.FromMinutes(2), after.StepStartedAt);
    }

    [Fact]
    public void Resume_AtAStepsIndefinitePause_EndsThePauseSoTheNextStepBegins()
    {
        var before = Status("Paused");

        var result = RolloutCommands.Apply(Spec, before, new RolloutCommand(CommandKind.Resume), Now);

        Assert.Equal(StepState.Ready, result.Status!.StepState);
        Assert.Equal(Now, result.Status.StateSince);
        Assert.False(result.Status.PromoteRequested);
        Assert.Equal("Resumed", result.Event!.Reason);
        Assert.Contains("the step's pause ends", result.Event.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abort_Accepted_MovesToAbortingWithHumanReason()
    {
        var after = RolloutCommands.Apply(Spec, Status("Analyzing") with { PromoteRequested = true }, new RolloutCommand(CommandKind.Abort), Now).Status!;

        Assert.Equal(StepState.Aborting, after.StepState);
        Assert.Equal("aborted by a human", after.AbortReason);
        Assert.False(after.PromoteRequested);
        Assert.Equal(Now, after.StateSince);
    }

    [Fact]
    public void PromoteFull_Accepted_GoesToFinalStepUpgrading()
    {
        var after = RolloutCommands.Apply(Spec, Status("Paused", paused: true), new RolloutCommand(CommandKind.PromoteFull), Now).Status!;

        Assert.Equal(2, after.StepIndex);
        Assert.Equal(StepState.Upgrading, after.StepState);
        Assert.True(after.FullPromotion);
        Assert.False(after.Paused);
        Assert.Equal(Now, after.StepStartedAt);
        Assert.Null(after.TrafficAppliedAt);
    }

    [Fact]
    public void Jump_Accepted_ZeroBasedIndexDescribedOneBased()
    {
        var result = RolloutCommands.Apply(Spec, Status("Paused"), new RolloutCommand(CommandKind.Jump, 1), Now);

        Assert.Equal(1, result.Status!.StepIndex);
        Assert.Equal(StepState.Upgrading, result.Status.StepState);
        Assert.Equal("step 1/2 → step 2/2 by a human", result.Event!.Message);
    }

    [Theory]
    [InlineData(10, 0, 10, 1, false)]
    [InlineData(10, 1, 30, 3, false)]
    [InlineData(10, 2, 30, 6, false)] // replicas written explicitly, traffic carried from the previous step
    [InlineData(10, 3, 0, 0, false)] // a step with traffic 0 and no matches needs no canary replica
    [InlineData(10, 4, 100, 10, true)]
    [InlineData(3, 0, 10, 1, false)] // at least one replica for any share
    [InlineData(3, 1, 30, 1, false)]
    public void At_WrittenSteps_ResolveTrafficAndReplicas(int total, int index, int traffic, int replicas, bool final)
    {
        var spec = Canary(Traffic(10), Traffic(30), new StepSpec { Replicas = new ReplicaCount(60, true) }, Traffic(0)) with { Replicas = total };

        var step = StepPlan.At(spec, index);

        Assert.Equal((traffic, replicas, final), (step.Traffic, step.CanaryReplicas, step.IsFinal));
        Assert.Equal(index >= 4 ? "full promotion" : $"step {index + 1}/4", StepPlan.Describe(spec, index));
    }

    [Fact]
    public void At_BlueGreenWithoutSteps_DefaultIsFullSizeNoTrafficManualPause()
    {
        var step = StepPlan.At(BlueGreen(), 0);

        Assert.Equal(1, StepPlan.Count(BlueGreen()));
        Assert.Equal((0, 4, false), (step.Traffic, step.CanaryReplicas, step.IsFinal));
        Assert.NotNull(step.Pause);
        Assert.Null(step.Pause!.Duration);
        Assert.True(StepPlan.At(BlueGreen(), 1).IsFinal);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2m10s", 130_000)]
    [InlineData("250ms", 250)]
    [InlineData(" 45 ", 45_000)]
    [InlineData("0", 0)]
    public void TryParse_ValidDuration_Parses(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    [InlineData("s")]
    [InlineData("NaN")]
    [InlineData("1e12")]
    public void TryParse_InvalidDuration_Fails(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(30_000, "30s")]
    [InlineData(120_000, "2m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(1_500, "1.5s")]
    [InlineData(0, "0s")]
    public void Format_Duration_ReadsAsWritten(int milliseconds, string text)
    {
        Assert.Equal(text, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
