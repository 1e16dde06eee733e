using Canaria.Core.Engine;
using Canaria.Release.Loop;

namespace Canaria.Release.Tests;

public sealed class TowardStableTests
{
    private static RolloutStatus Status(int canaryWeight, StepState state = StepState.Paused, int stable = 1, int? canary = 2) => new()
    {
        StableRevision = stable,
        CanaryRevision = canary,
        StepState = state,
        Traffic = new TrafficTarget { StableRevision = stable, CanaryRevision = canary, CanaryWeight = canaryWeight },
    };

    private static Decision Decide(RolloutStatus status) => new()
    {
        Status = status,
        Replicas = new Dictionary<int, int>(),
        Traffic = status.Traffic!,
    };

    private static readonly (string What, RolloutStatus Current, RolloutStatus Decided, bool Expected)[] Cases =
    [
        ("abort: 50% to 0%", Status(50), Status(0, StepState.Aborting), true),
        ("aborted, canary scaled down", Status(0, StepState.Aborting), Status(0, StepState.Aborted), true),
        ("lower weight (jump back)", Status(50), Status(10, StepState.RoutingTraffic), true),
        ("next step: more traffic", Status(10), Status(50, StepState.RoutingTraffic), false),
        ("promotion: new stable", Status(100, StepState.Ready), Status(0, StepState.Completed, stable: 2, canary: null), false),
        ("a new release", Status(0, StepState.Completed, canary: null), Status(0, StepState.Upgrading, canary: 3), false),
        ("same weight, other state", Status(50, StepState.Analyzing), Status(50, StepState.Paused), false),
        ("abort state but more traffic", Status(10), Status(20, StepState.Aborting), false),
    ];

    public static TheoryData<int> CaseIndexes => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void MayApplyUnstored_Decision_OnlyTowardStable(int index)
    {
        var (what, current, decided, expected) = Cases[index];
        Assert.True(expected == TowardStable.MayApplyUnstored(current, Decide(decided)), what);
    }

    [Fact]
    public void MayApplyUnstored_NoStatusYet_False() =>
        Assert.False(TowardStable.MayApplyUnstored(null, Decide(Status(0, StepState.Aborting))));

    [Theory]
    [InlineData("Abort", true)]
    [InlineData("Promote", false)]
    [InlineData("Pause", false)]
    [InlineData("Retry", false)]
    public void IsRollback_Command_OnlyAbort(string kind, bool expected) =>
        Assert.Equal(expected, TowardStable.IsRollback(new RolloutCommand(Enum.Parse<CommandKind>(kind))));
}
