using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>Seed 003's integer weights and seed 000's undo, with real replicas of the sample app behind the real gateway.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class WeightsAndRollbackTests
{
    private static string WeightSteps(params (int Stable, int Canary)[] weights) =>
        "    canary:\n      steps:\n" + string.Concat(weights.Select(w => $"        - weights: {{stable: {w.Stable}, canary: {w.Canary}}}\n          pause: {{}}\n")).TrimEnd('\n');

    [Fact]
    public async Task WeightSteps_SeedThreeFiveHundredThenTwoFiftySevenFifty_GatewaySplitsWithinThreePoints()
    {
        const string name = "weights";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = WeightSteps((500, 500), (250, 750));
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name) ?? throw new InvalidOperationException("no listener for " + name));

        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        foreach (var (index, stable, canary, percent) in new[] { (0, 500, 500, 50), (1, 250, 750, 75) })
        {
            var view = await f.WaitPausedAtAsync(name, index, percent);
            Assert.Equal(new SplitWeights(stable, canary), view.AppliedTraffic!.Weights);
            Assert.Equal($"{canary} ({percent}%)", view.Versions.Single(v => v.Role == "canary").WeightText);
            Assert.Equal($"{stable} ({100 - percent}%)", view.Versions.Single(v => v.Role == "stable").WeightText);

            var answers = await probe.BurstAsync(1000);
            TrafficProbe.AssertNoFailures(answers, $"at {stable}/{canary}");
            var share = answers.Count(a => a.AppBodyVersion == "v2") * 100.0 / answers.Count;
            Assert.True(Math.Abs(share - percent) <= 3, $"{stable}/{canary}: the app saw {share:0.0}% canary, expected {percent}% ±3 ({TrafficProbe.Summary(answers)})");
            await f.CommandAsync(name, CommandKind.Promote);
        }

        await f.WaitHealthyAsync(name, "v2", seconds: 25);
        Assert.Contains(f.Events, e => e.Contains("TrafficShifted: step 2/2: 250/750 (75%) to revision", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Undo_ToStableUnderLoad_AllStableWithinTwoSecondsAndNoFailedRequest()
    {
        const string name = "undostable";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(50);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        var v1 = (await f.WaitHealthyAsync(name, "v1")).Status.StableRevision!.Value;
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        await f.WaitPausedAtAsync(name, 0, 50);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
        probe.StartLoad(rps: 100);
        await WaitForAsync(() => probe.LoadSoFar.Count(a => a.GatewayVersion == "v2") >= 20, "the load reaches the canary");
        var undoAt = probe.Now;
        await f.UndoAsync(name, v1);
        await f.WaitHealthyAsync(name, "v1");
        await WaitForAsync(() => probe.LoadSoFar.Count(a => a.SentAt > undoAt + TimeSpan.FromSeconds(3)) >= 100, "100 requests more after the undo");
        var answers = await probe.StopLoadAsync();

        TrafficProbe.AssertNoFailures(answers, "around the undo to stable");
        var lastCanary = answers.Where(a => a.GatewayVersion != "v1").Max(a => a.SentAt);
        Assert.True(lastCanary - undoAt < TimeSpan.FromSeconds(2),
            $"the last request to the canary was sent {(lastCanary - undoAt).TotalMilliseconds:0} ms after the undo ({TrafficProbe.Summary(answers)})");
    }

    [Fact]
    public async Task Undo_ToPreviousStableWithinRollbackWindow_SwitchesWithoutStepsAndNoFailedRequest()
    {
        const string name = "window";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(10, 50);
        const string window = "  rollbackWindow: {revisions: 1}";
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps, extra: window));
        var v1 = (await f.WaitHealthyAsync(name, "v1")).Status.StableRevision!.Value;
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps, extra: window));
        await f.WaitPausedAtAsync(name, 0, 10);
        await f.CommandAsync(name, CommandKind.PromoteFull);
        await f.WaitHealthyAsync(name, "v2", seconds: 25);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
        probe.StartLoad(rps: 100);
        await f.UndoAsync(name, v1);
        var back = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Healthy && v.Status.StableRevision == v1 && v.AppliedTraffic is { CanaryRevision: null },
            "revision 1 stable again", seconds: 25);
        var answers = await probe.StopLoadAsync();

        TrafficProbe.AssertNoFailures(answers, "during the rollback");
        Assert.Equal(v1, back.Status.StableRevision);
        Assert.Contains(f.Events, e => e.Contains($"RollbackStarted: revision {v1} was stable 1 release(s) ago", StringComparison.Ordinal));
        var rollbackEvents = f.Events.SkipWhile(e => !e.Contains("RollbackStarted", StringComparison.Ordinal)).ToList();
        Assert.Contains(rollbackEvents, e => e.Contains($"TrafficShifted: full promotion: 100% to revision {v1}", StringComparison.Ordinal));
        Assert.DoesNotContain(rollbackEvents, e => e.Contains("TrafficShifted: step", StringComparison.Ordinal));

        // `history --revisions` lists the revisions locally as it does on a cluster: oldest first, with the stable one marked.
        var (exit, json) = await CliProcess.RunAsync(new Dictionary<string, string>(), "history", name, "--revisions", "-o", "json", "--state-dir", f.StateDir);
        Assert.True(exit == 0, json);
        var revisions = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray();
        Assert.Equal([(1, "v1", "stable"), (2, "v2", null)], revisions.Select(r => (r!["number"]!.GetValue<int>(), (string?)r["version"], (string?)r["role"])));
        var (tableExit, table) = await CliProcess.RunAsync(new Dictionary<string, string>(), "history", name, "--revisions", "--state-dir", f.StateDir);
        Assert.True(tableExit == 0, table);
        Assert.Contains("REVISION", table, StringComparison.Ordinal);
        Assert.Matches(@"1\s+│?\s*v1\s+.*stable", table);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {seconds}s waiting for {what}");
            await Task.Delay(20);
        }
    }
}
