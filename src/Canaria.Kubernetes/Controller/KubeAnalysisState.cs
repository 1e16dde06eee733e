using System.Collections.Concurrent;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// What the controller remembers about one rollout's checks and gates between reconciles. Only a cache: after a
/// restart, when a check last ran and how often it was measured come from the engine's status in the Rollout.
/// Results are written from the measuring and gate tasks; everything else is touched by the reconcile worker only.
/// </summary>
internal sealed class KubeAnalysisState
{
    private readonly Lock _lock = new();
    private readonly List<Measurement> _arrived = [];
    private readonly List<GateResult> _gates = [];

    /// <summary>When each check last started in the current window (reset when the window changes).</summary>
    public Dictionary<string, DateTimeOffset> Started { get; } = new(StringComparer.Ordinal);

    public AnalysisWindow? Window { get; set; }

    /// <summary>Checks with a request in flight: never two at once for one check.</summary>
    public ConcurrentDictionary<string, byte> InFlight { get; } = new(StringComparer.Ordinal);

    public bool Idle => InFlight.IsEmpty && Count == 0;

    private int Count
    {
        get
        {
            lock (_lock) return _arrived.Count + _gates.Count;
        }
    }

    public void GateAnswered(GateResult r)
    {
        lock (_lock) _gates.Add(r);
    }

    public void Arrived(Measurement m)
    {
        lock (_lock) _arrived.Add(m);
    }

    /// <summary>
    /// Measurements the stored status does not hold yet. A measurement is handed to the engine again until the
    /// status that counts it is stored (a lost status write never loses a measurement, and none is counted twice):
    /// folded ones have a check time at or before the check's stored MeasuredAt.
    /// </summary>
    public IReadOnlyList<Measurement> Unfolded(RolloutSpec spec, RolloutStatus? stored)
    {
        lock (_lock)
        {
            _arrived.RemoveAll(m => stored?.CanaryRevision != m.CanaryRevision
                || stored.StepState is StepState.Aborting or StepState.Aborted or StepState.Completed
                || spec.Analysis?.Checks.Any(c => c.Name == m.Check) != true
                || stored.Checks.FirstOrDefault(c => c.Name == m.Check)?.MeasuredAt >= m.At);
            return [.. _arrived];
        }
    }

    /// <summary>
    /// Gate answers the stored status has not counted yet. Like a measurement, an answer is handed to the engine again
    /// until a stored status no longer waits for its gate (opened, or the step, revision or pause moved on): a lost
    /// status write (409) must not lose an approval, since a one-shot approval hook would not give it twice. A hold
    /// or no-answer is superseded by a later answer of the same gate; an opening never is.
    /// </summary>
    public IReadOnlyList<GateResult> UnstoredGates(RolloutSpec spec, RolloutStatus? stored)
    {
        var waiting = stored is null ? [] : Gates.Missing(spec, stored).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            var latest = _gates.GroupBy(g => g.Key).ToDictionary(g => g.Key, g => g.Max(r => r.At), StringComparer.Ordinal);
            _gates.RemoveAll(g => !waiting.Contains(g.Key) || (g.Outcome != GateOutcome.Open && g.At < latest[g.Key]));
            return [.. _gates];
        }
    }
}
