using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

/// <summary>One reconcile as the simulation saw it: what was observed, and what the engine decided.</summary>
internal sealed record TickRecord(int Tick, DateTimeOffset At, RolloutStatus? Before, Observation Observation, Decision Decision);

/// <summary>
/// A perfect platform around the pure engine: the workload driver makes ready replicas follow the decided
/// replicas and the router applies the decided traffic, each optionally late or held. A fake clock moves
/// one tick per reconcile; nothing sleeps.
/// </summary>
internal sealed class PlatformSim
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<int, int> _desired = [];
    private readonly Dictionary<int, int> _ready = [];
    private readonly List<TrafficTarget> _pendingTraffic = [];
    private List<Measurement> _nextMeasurements = [];
    private List<GateResult> _nextGates = [];

    public PlatformSim(RolloutSpec spec, int specRevision = 1)
    {
        Spec = spec;
        SpecRevision = specRevision;
    }

    public RolloutSpec Spec { get; set; }
    public int SpecRevision { get; set; }
    public RolloutStatus? Status { get; set; }
    public DateTimeOffset Now { get; set; } = T0;
    public TimeSpan TickLength { get; set; } = TimeSpan.FromSeconds(1);
    public int Ticks { get; private set; }
    public TrafficTarget? Applied { get; set; }
    public Decision? Last { get; private set; }
    public List<TickRecord> History { get; } = [];
    public List<RolloutEvent> Events { get; } = [];

    /// <summary>Replicas that become ready per tick and revision (int.MaxValue: all at once).</summary>
    public Func<int, int> ReadyPerTick { get; set; } = _ => int.MaxValue;

    /// <summary>Revisions whose ready replicas are capped (e.g. 0 = crash-looping).</summary>
    public Dictionary<int, int> ReadyCap { get; } = [];

    /// <summary>Whether the router makes progress this tick.</summary>
    public Func<bool> RouterApplies { get; set; } = () => true;

    /// <summary>
    /// False (default): a router that applies every decided target in order, one per tick when it makes
    /// progress, so an earlier target still in flight can go live after a newer one was decided.
    /// True: a declarative router that jumps straight to the latest decided target when it makes progress.
    /// </summary>
    public bool LatestWins { get; set; }

    /// <summary>The verdict of every check measured at the current analysis window; null measures nothing.</summary>
    public Func<AnalysisWindow, Verdict?> Verdicts { get; set; } = _ => Verdict.Pass;

    /// <summary>Per-check verdicts (overrides Verdicts when set); null measures nothing for that check.</summary>
    public Func<AnalysisWindow, CheckSpec, Verdict?>? CheckVerdicts { get; set; }

    /// <summary>How gate webhooks answer the gates a decision waits for; null: no answer yet this tick.</summary>
    public Func<GateCall, GateOutcome?> GateAnswers { get; set; } = _ => null;

    public int Ready(int revision) => _ready.GetValueOrDefault(revision);

    public int Desired(int revision) => _desired.GetValueOrDefault(revision);

    /// <summary>Builds what the drivers see right now.</summary>
    public Observation Observe() => new()
    {
        SpecRevision = SpecRevision,
        Revisions = _desired.Keys.Union(_ready.Keys).ToDictionary(r => r, r => new ReplicaObservation(Desired(r), Ready(r))),
        AppliedTraffic = Applied,
        Measurements = _nextMeasurements,
        GateResults = _nextGates,
    };

    /// <summary>One reconcile, then the platform acts on the decision and the clock moves one tick.</summary>
    public Decision Tick()
    {
        var observation = Observe();
        var before = Status;
        var decision = RolloutEngine.Reconcile(Spec, Status, observation, Now);
        History.Add(new TickRecord(Ticks, Now, before, observation, decision));
        Events.AddRange(decision.Events);
        Status = decision.Status;
        Last = decision;
        ApplyWorkload(decision.Replicas);
        ApplyTraffic(decision.Traffic);
        _nextMeasurements = Measure(decision.Analysis);
        _nextGates = decision.Gates
            .Select(g => GateAnswers(g) is { } o ? new GateResult(g.Webhook, g.Key, o, o.ToString(), Now) : null)
            .OfType<GateResult>()
            .ToList();
        Now += TickLength;
        Ticks++;
        return decision;
    }

    public Decision Run(int ticks)
    {
        for (var i = 0; i < ticks; i++) Tick();
        return Last!;
    }

    /// <summary>Ticks until the condition holds after a reconcile; fails the test if it never does.</summary>
    public Decision RunUntil(Func<RolloutStatus, bool> done, int maxTicks = 200, string? what = null)
    {
        for (var i = 0; i < maxTicks; i++)
        {
            var d = Tick();
            if (done(d.Status)) return d;
        }
        Assert.Fail($"not reached within {maxTicks} ticks: {what}; last status {Status?.StepState} step {Status?.StepIndex}: {Status?.Message}");
        return null!;
    }

    public Decision RunUntilState(StepState state, int? stepIndex = null, int maxTicks = 200) =>
        RunUntil(s => s.StepState == state && (stepIndex is null || s.StepIndex == stepIndex), maxTicks, $"{state} at step {stepIndex}");

    /// <summary>Applies a human's operation to the stored status, as the controller's API would.</summary>
    public CommandResult Command(CommandKind kind, int stepIndex = 0)
    {
        var result = RolloutCommands.Apply(Spec, Status!, new RolloutCommand(kind, stepIndex), Now);
        if (result.Ok) Status = result.Status;
        if (result.Event is { } e) Events.Add(e);
        return result;
    }

    public void MustCommand(CommandKind kind, int stepIndex = 0)
    {
        var result = Command(kind, stepIndex);
        Assert.True(result.Ok, result.Error);
    }

    /// <summary>Deploys revision 1 as the first (stable) revision and lets it become ready.</summary>
    public static PlatformSim Deployed(RolloutSpec spec)
    {
        var sim = new PlatformSim(spec, 1);
        sim.RunUntil(s => s.Phase == RolloutPhase.Healthy, 10, "first deploy healthy");
        return sim;
    }

    private void ApplyWorkload(IReadOnlyDictionary<int, int> replicas)
    {
        foreach (var r in _desired.Keys.Except(replicas.Keys).ToList())
        {
            _desired.Remove(r);
            _ready.Remove(r);
        }
        foreach (var (r, n) in replicas)
        {
            _desired[r] = n;
            var ready = Math.Min(Ready(r), n);
            var step = ReadyPerTick(r);
            ready = step == int.MaxValue ? n : Math.Min(n, ready + step);
            if (ReadyCap.TryGetValue(r, out var cap)) ready = Math.Min(ready, cap);
            _ready[r] = ready;
        }
    }

    private void ApplyTraffic(TrafficTarget decided)
    {
        var latest = _pendingTraffic.Count > 0 ? _pendingTraffic[^1] : Applied;
        if (!decided.SameAs(latest)) _pendingTraffic.Add(decided);
        if (_pendingTraffic.Count > 0 && RouterApplies())
        {
            var take = LatestWins ? _pendingTraffic.Count : 1;
            Applied = _pendingTraffic[take - 1];
            _pendingTraffic.RemoveRange(0, take);
        }
    }

    private List<Measurement> Measure(AnalysisWindow? window)
    {
        if (window is null || Spec.Analysis is null) return [];
        var all = Verdicts(window);
        return Spec.Analysis.Checks
            .Select(c => (Check: c, Verdict: CheckVerdicts is { } per ? per(window, c) : all))
            .Where(x => x.Verdict is not null)
            .Select(x => new Measurement(x.Check.Name, x.Verdict!.Value, x.Verdict == Verdict.Inconclusive ? null : 1.0, $"{x.Check.Name}: {x.Verdict}", Now, window.CanaryRevision, window.StepIndex))
            .ToList();
    }
}
