using Canaria.Core.Engine;

namespace Canaria.Release.Drivers;

/// <summary>Checks, gates and notifications of one rollout: what they reported since the last pass, and what to start after it.</summary>
internal interface IAnalysisDriver
{
    /// <summary>Adds the measurements and gate answers not stored yet to the observation.</summary>
    Observation Observe(RolloutStatus? stored, Observation observation);

    /// <summary>After the decision is stored: notifies, asks gates, starts due checks. Returns how soon a check falls due (null: none waits for time).</summary>
    TimeSpan? Decided(Decision decision, IReadOnlyList<RolloutEvent> events, CancellationToken cancellationToken);
}
