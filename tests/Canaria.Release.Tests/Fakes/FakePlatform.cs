using Canaria.Core.Engine;
using Canaria.Release.Drivers;

namespace Canaria.Release.Tests.Fakes;

/// <summary>
/// A fake platform for the release loop (no process, gateway or API server): replicas are ready as soon as they are
/// asked for, a split is applied as soon as it is decided, and the store answers what the test tells it to. Every
/// call that changes something is written to <see cref="Journal"/> in order.
/// </summary>
internal sealed class FakePlatform : IWorkloadDriver, ITrafficDriver, IAnalysisDriver, IStatusStore, IEventSink
{
    public List<string> Journal { get; } = [];

    public Dictionary<int, int> Running { get; } = [];

    public TrafficTarget? Applied { get; set; }

    public RolloutStatus? Stored { get; private set; }

    public string? CommandApplied { get; private set; }

    public List<RolloutEvent> Events { get; } = [];

    /// <summary>What the next store call answers.</summary>
    public StoreOutcome StoreAnswers { get; set; } = StoreOutcome.Stored;

    /// <summary>What the next scale call answers (null: it works).</summary>
    public string? ScaleFails { get; set; }

    public ReleaseDrivers Drivers => new(this, this, this, this, this);

    public ValueTask<IReadOnlyDictionary<int, ReplicaObservation>> ObserveAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<int, ReplicaObservation>>(Running.ToDictionary(p => p.Key, p => new ReplicaObservation(p.Value, p.Value)));

    public ValueTask<string?> ScaleAsync(IReadOnlyDictionary<int, int> replicas, CancellationToken cancellationToken)
    {
        Journal.Add("scale");
        if (ScaleFails is { } error) return ValueTask.FromResult<string?>(error);
        Running.Clear();
        foreach (var (revision, count) in replicas) Running[revision] = count;
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask<TrafficTarget?> ObserveAsync(Observation observation, CancellationToken cancellationToken) => ValueTask.FromResult(Applied);

    public IReadOnlyDictionary<int, int> Replicas(Decision decision, Observation observation) => decision.Replicas;

    public ValueTask<TrafficApplied> ApplyAsync(Decision decision, Observation observation, CancellationToken cancellationToken)
    {
        Journal.Add($"traffic {decision.Traffic.CanaryWeight}");
        Applied = decision.Traffic;
        return ValueTask.FromResult(new TrafficApplied(decision.Status.StepState is StepState.Completed or StepState.Aborted));
    }

    public Observation Observe(RolloutStatus? stored, Observation observation) => observation;

    public TimeSpan? Decided(Decision decision, IReadOnlyList<RolloutEvent> events, CancellationToken cancellationToken)
    {
        Journal.Add("analysis");
        return null;
    }

    public ValueTask<StoreResult> StoreAsync(StatusRecord record, CancellationToken cancellationToken)
    {
        Journal.Add($"store {StoreAnswers}");
        if (StoreAnswers != StoreOutcome.Stored) return ValueTask.FromResult(new StoreResult(StoreAnswers, $"the fake store answers {StoreAnswers}"));
        Stored = record.Decision.Status;
        CommandApplied = record.CommandApplied ?? CommandApplied;
        return ValueTask.FromResult(StoreResult.Stored);
    }

    public ValueTask RecordAsync(RolloutEvent e, RolloutStatus status, CancellationToken cancellationToken)
    {
        Journal.Add($"event {e.Reason}");
        Events.Add(e);
        return ValueTask.CompletedTask;
    }
}
