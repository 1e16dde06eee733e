using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Release.Drivers;
using Canaria.Release.Loop;
using Canaria.Release.Tests.Fakes;

namespace Canaria.Release.Tests;

public sealed class ReleaseLoopTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 3, 0, 0, TimeSpan.Zero);

    /// <summary>4 replicas; 20% and wait for a human, then 100%.</summary>
    private static readonly RolloutSpec Spec = new()
    {
        Replicas = 4,
        Strategy = new StrategySpec { Steps = [new StepSpec { Traffic = 20, Pause = new PauseSpec() }, new StepSpec { Traffic = 100 }] },
        ProgressDeadline = TimeSpan.FromMinutes(10),
        ScaleDownDelay = TimeSpan.Zero,
    };

    private static Task<PassResult> PassAsync(FakePlatform platform, int specRevision, DateTimeOffset now, PendingCommand? command = null) =>
        ReleaseLoop.RunAsync(new ReleaseInput(Spec, platform.Stored, specRevision, now) { Command = command }, platform.Drivers, CancellationToken.None);

    /// <summary>Revision 1 stable, then revision 2 released until it waits at 20% for a human.</summary>
    private static async Task<(FakePlatform Platform, DateTimeOffset Now)> PausedAtFirstStepAsync()
    {
        var platform = new FakePlatform();
        var now = T0;
        for (var i = 0; i < 10 && platform.Stored?.StepState != StepState.Completed; i++, now = now.AddSeconds(1)) await PassAsync(platform, 1, now);
        for (var i = 0; i < 30 && platform.Stored?.StepState != StepState.Paused; i++, now = now.AddSeconds(1)) await PassAsync(platform, 2, now);
        Assert.Equal(StepState.Paused, platform.Stored?.StepState);
        Assert.Equal(20, platform.Applied?.CanaryWeight);
        platform.Journal.Clear();
        return (platform, now);
    }

    [Fact]
    public async Task RunAsync_StatusChanges_StoresBeforeAnyDriverApplies()
    {
        var (platform, now) = await PausedAtFirstStepAsync();

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Promote)));

        Assert.Equal(PassOutcome.Applied, pass.Outcome);
        Assert.Equal("store Stored", platform.Journal[0]);
        Assert.Contains("scale", platform.Journal);
        Assert.Contains(platform.Journal, j => j.StartsWith("traffic", StringComparison.Ordinal));
        Assert.Contains("event PromoteRequested", platform.Journal);
    }

    [Fact]
    public async Task RunAsync_StoreConflict_AppliesNothing()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        platform.StoreAnswers = StoreOutcome.Conflict;

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Abort)));

        Assert.Equal(PassOutcome.Conflict, pass.Outcome);
        Assert.Equal(["store Conflict"], platform.Journal);
        Assert.Equal(20, platform.Applied?.CanaryWeight);
        Assert.Equal(StepState.Paused, platform.Stored?.StepState);
    }

    [Fact]
    public async Task RunAsync_StoreFailsOnAbort_AppliesAbortUnstored()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        platform.StoreAnswers = StoreOutcome.Failed;

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Abort)));

        Assert.Equal(PassOutcome.AppliedUnstored, pass.Outcome);
        Assert.Equal("the fake store answers Failed", pass.Store.Error);
        Assert.Equal(0, platform.Applied?.CanaryWeight);
        Assert.Equal(StepState.Paused, platform.Stored?.StepState); // the store still holds the old status
        Assert.Contains("event AbortRequested", platform.Journal);
    }

    [Fact]
    public async Task RunAsync_StoreFailsOnPromote_HoldsEverything()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        platform.StoreAnswers = StoreOutcome.Failed;

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Promote)));

        Assert.Equal(PassOutcome.Held, pass.Outcome);
        Assert.True(pass.Command?.Ok);
        Assert.Equal(["store Failed"], platform.Journal);
        Assert.Equal(20, platform.Applied?.CanaryWeight);
    }

    [Fact]
    public async Task RunAsync_StoredCommandSeenAgain_AppliedOnce()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        static (RolloutCommand?, string?) Parse(string text) => text == "promote" ? (new RolloutCommand(CommandKind.Promote), null) : (null, $"unknown command {text}");

        for (var i = 0; i < 3; i++, now = now.AddSeconds(1))
            await PassAsync(platform, 2, now, PendingCommand.Unapplied("promote", platform.CommandApplied, Parse));

        Assert.Equal("promote", platform.CommandApplied);
        Assert.Single(platform.Events, e => e.Reason == "PromoteRequested");
        Assert.Null(PendingCommand.Unapplied("promote", platform.CommandApplied, Parse));
    }

    [Fact]
    public async Task RunAsync_CommandNotStoredOnConflict_AppliedByTheNextPass()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        static (RolloutCommand?, string?) Parse(string text) => (new RolloutCommand(CommandKind.Abort), null);
        platform.StoreAnswers = StoreOutcome.Conflict;
        await PassAsync(platform, 2, now, PendingCommand.Unapplied("abort", platform.CommandApplied, Parse));
        Assert.Null(platform.CommandApplied);

        platform.StoreAnswers = StoreOutcome.Stored;
        var pass = await PassAsync(platform, 2, now.AddSeconds(1), PendingCommand.Unapplied("abort", platform.CommandApplied, Parse));

        Assert.True(pass.Command?.Ok);
        Assert.Equal("abort", platform.CommandApplied);
        Assert.Single(platform.Events, e => e.Reason == "AbortRequested");
    }

    [Fact]
    public async Task RunAsync_UnparsableStoredCommand_RecordsCommandRefusedAndGoesOn()
    {
        var (platform, now) = await PausedAtFirstStepAsync();

        var pass = await PassAsync(platform, 2, now, PendingCommand.Unapplied("jump=x", null, _ => (null, "jump needs a step number")));

        Assert.False(pass.Command?.Ok);
        var refused = Assert.Single(platform.Events, e => e.Reason == "CommandRefused");
        Assert.Equal("jump=x: jump needs a step number", refused.Message);
        Assert.Equal("jump=x", platform.CommandApplied); // refused once, not on every reconcile
        Assert.Equal(StepState.Paused, platform.Stored?.StepState);
    }

    [Fact]
    public async Task RunAsync_AnsweredCommandRefused_RecordsNoEvent()
    {
        var (platform, now) = await PausedAtFirstStepAsync();

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Retry)));

        Assert.Equal("only an aborted release can be retried", pass.Command?.Error);
        Assert.DoesNotContain(platform.Events, e => e.Reason == "CommandRefused");
    }

    [Fact]
    public async Task RunAsync_ScaleFailsOnPromote_TrafficNotMoved()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        platform.ScaleFails = "quota exceeded";

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Promote)));
        for (var i = 1; i < 5; i++) pass = await PassAsync(platform, 2, now.AddSeconds(i));

        Assert.Equal("quota exceeded", pass.Error);
        Assert.Null(pass.Traffic);
        Assert.Equal(20, platform.Applied?.CanaryWeight);
    }

    [Fact]
    public async Task RunAsync_ScaleFailsOnAbort_TrafficStillBackToStable()
    {
        var (platform, now) = await PausedAtFirstStepAsync();
        platform.ScaleFails = "quota exceeded";

        var pass = await PassAsync(platform, 2, now, PendingCommand.Of(new RolloutCommand(CommandKind.Abort)));

        Assert.Equal("quota exceeded", pass.Error);
        Assert.Equal(0, platform.Applied?.CanaryWeight);
    }
}
