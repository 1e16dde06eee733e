using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

/// <summary>
/// Property-style tests: many random seeds, each a random spec on a platform with random readiness lags,
/// unready periods, late routers, random verdicts, human operations and new revisions. The randomness lives
/// only here in the test; the engine gets plain values.
/// </summary>
public class EngineInvariantTests
{
    private const int Seeds = 300;
    private const int TicksPerRun = 120;

    public static TheoryData<int> SeedBatches() => new(Enumerable.Range(0, 6));

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Reconcile_RandomLagsAndOperations_CanaryGetsTrafficOnlyWithStepReplicasReady(int batch)
    {
        foreach (var seed in BatchSeeds(batch))
        {
            var sim = RandomRun(seed);
            foreach (var h in sim.History)
            {
                var t = h.Decision.Traffic;
                if (t.CanaryRevision is not { } canary || !t.CanaryExposed || t.SameAs(h.Before?.Traffic)) continue;
                var step = StepPlan.At(sim.Spec, h.Decision.Status.StepIndex);
                Assert.True(h.Observation.Ready(canary) >= step.CanaryReplicas,
                    $"seed {seed} tick {h.Tick}: {t.CanaryWeight}% to revision {canary} decided with {h.Observation.Ready(canary)}/{step.CanaryReplicas} ready");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Reconcile_RandomLagsAndOperations_CanaryReplicasCoverAppliedTraffic(int batch)
    {
        foreach (var seed in BatchSeeds(batch))
        {
            var sim = RandomRun(seed);
            foreach (var h in sim.History)
            {
                if (h.Observation.AppliedTraffic is not { CanaryExposed: true, CanaryRevision: { } canary } applied) continue;
                var needed = Math.Max(1, (int)Math.Ceiling(sim.Spec.Replicas * applied.CanaryWeight / 100.0));
                var desired = h.Decision.Replicas.GetValueOrDefault(canary);
                Assert.True(desired >= needed,
                    $"seed {seed} tick {h.Tick}: router applies {applied.CanaryWeight}% to revision {canary} (needs {needed}) but {desired} replicas decided; state {h.Decision.Status.StepState} step {h.Decision.Status.StepIndex}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Reconcile_RandomLagsAndOperations_StableAlwaysFullAndStatusConsistent(int batch)
    {
        foreach (var seed in BatchSeeds(batch))
        {
            var sim = RandomRun(seed);
            foreach (var h in sim.History)
            {
                var s = h.Decision.Status;
                var at = $"seed {seed} tick {h.Tick}";
                Assert.True(h.Decision.Replicas.GetValueOrDefault(s.StableRevision!.Value) == sim.Spec.Replicas, $"{at}: stable not at full size");
                Assert.True(h.Decision.Traffic.StableRevision == s.StableRevision, $"{at}: traffic names another stable");
                Assert.True(s.StepIndex >= 0 && s.StepIndex <= StepPlan.Count(sim.Spec), $"{at}: step {s.StepIndex} out of range");
                if (s.StepState is StepState.Aborted or StepState.Completed)
                    Assert.True(!h.Decision.Traffic.CanaryExposed, $"{at}: {s.StepState} but the canary still gets traffic");
                if (s.StepState == StepState.Aborted && s.CanaryRevision is { } c)
                    Assert.False(h.Decision.Replicas.ContainsKey(c) && h.Decision.Replicas[c] > 0 && c != s.StableRevision, $"{at}: aborted canary kept");
                Assert.False(string.IsNullOrEmpty(s.Message), $"{at}: empty message");
            }
        }
    }

    private static IEnumerable<int> BatchSeeds(int batch) => Enumerable.Range(0, Seeds).Where(s => s % 6 == batch);

    private static RolloutSpec RandomSpec(Random random)
    {
        var replicas = random.Next(1, 12);
        var blueGreen = random.Next(5) == 0;
        var steps = new List<StepSpec>();
        var count = blueGreen ? random.Next(0, 2) : random.Next(1, 5);
        var carried = 0;
        for (var i = 0; i < count; i++)
        {
            PauseSpec? pause = random.Next(4) switch
            {
                0 => new PauseSpec(),
                1 => new PauseSpec { Duration = TimeSpan.FromSeconds(random.Next(1, 10)) },
                _ => null,
            };
            int? traffic = blueGreen ? 0 : random.Next(4) == 0 ? null : random.Next(0, 101);
            carried = traffic ?? carried;
            // Explicit replicas at least cover the step's traffic share: a step may not knowingly under-size the canary.
            ReplicaCount? count2 = random.Next(3) == 0 ? new ReplicaCount(random.Next(carried, 101), true) : null;
            var matches = !blueGreen && random.Next(5) == 0
                ? new[] { new MatchSpec { Kind = MatchKind.Header, Name = "x-test", Operator = MatchOperator.Exact, Value = "1" } }
                : [];
            if (blueGreen) count2 = new ReplicaCount(100, true);
            else if (count2 is { } c && c.Resolve(replicas) == 0 && (traffic is null or > 0 || matches.Length > 0)) count2 = null;
            steps.Add(new StepSpec { Traffic = traffic, Replicas = count2, Pause = pause, Matches = matches });
        }
        return new RolloutSpec
        {
            Replicas = replicas,
            Strategy = new StrategySpec { Kind = blueGreen ? StrategyKind.BlueGreen : StrategyKind.Canary, Steps = steps },
            Analysis = random.Next(2) == 0 ? null : new AnalysisSpec
            {
                StepPasses = random.Next(0, 3),
                FailureLimit = random.Next(0, 3),
                InconclusiveLimit = random.Next(0, 4),
                Checks = [new CheckSpec { Name = "success", Metric = MetricKind.SuccessRate, Min = 0.99 }],
            },
            ProgressDeadline = TimeSpan.FromSeconds(random.Next(20, 120)),
            ScaleDownDelay = TimeSpan.FromSeconds(random.Next(0, 20)),
        };
    }

    private static PlatformSim RandomRun(int seed)
    {
        var random = new Random(seed);
        var sim = new PlatformSim(RandomSpec(random), 1) { LatestWins = true };
        var routerChance = random.NextDouble() * 0.9 + 0.1;
        var failChance = random.NextDouble() * 0.2;
        var inconclusiveChance = random.NextDouble() * 0.4;
        sim.RouterApplies = () => random.NextDouble() < routerChance;
        sim.ReadyPerTick = _ => random.Next(4) == 0 ? int.MaxValue : random.Next(0, 3);
        sim.Verdicts = _ =>
        {
            var x = random.NextDouble();
            return x < failChance ? Verdict.Fail : x < failChance + inconclusiveChance ? Verdict.Inconclusive : random.Next(8) == 0 ? null : Verdict.Pass;
        };
        var nextRevision = 2;
        for (var tick = 0; tick < TicksPerRun; tick++)
        {
            // Unready periods: a revision (canary or stable) loses ready replicas for a while.
            if (random.Next(15) == 0)
            {
                var revision = random.Next(2) == 0 ? sim.Status?.CanaryRevision : sim.Status?.StableRevision;
                if (revision is { } r) sim.ReadyCap[r] = random.Next(0, 3);
            }
            if (random.Next(10) == 0) sim.ReadyCap.Clear();

            if (tick > 0 && random.Next(6) == 0) Operate(sim, random, ref nextRevision);
            sim.Tick();
        }
        return sim;
    }

    private static void Operate(PlatformSim sim, Random random, ref int nextRevision)
    {
        switch (random.Next(12))
        {
            case 0 or 1:
                sim.SpecRevision = nextRevision++;
                break;
            case 2 when sim.Status?.StableRevision is { } stable:
                sim.SpecRevision = stable; // revert
                break;
            case 3:
                sim.Command(CommandKind.Abort);
                break;
            case 4:
                sim.Command(CommandKind.Retry);
                break;
            case 5:
                sim.Command(CommandKind.Jump, random.Next(-1, StepPlan.Count(sim.Spec) + 1));
                break;
            case 6:
                sim.Command(CommandKind.PromoteFull);
                break;
            case 7:
                sim.Command(CommandKind.Pause);
                break;
            case 8:
                sim.Command(CommandKind.Resume);
                break;
            default:
                sim.Command(CommandKind.Promote);
                break;
        }
    }
}
