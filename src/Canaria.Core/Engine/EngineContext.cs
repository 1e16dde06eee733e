using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>The inputs of one reconcile and the events it decides, passed between the engine's parts.</summary>
internal sealed class EngineContext(RolloutSpec spec, Observation observation, DateTimeOffset now)
{
    private readonly List<RolloutEvent> _events = [];

    public RolloutSpec Spec { get; } = spec;
    public Observation Observation { get; } = observation;
    public DateTimeOffset Now { get; } = now;
    public IReadOnlyList<RolloutEvent> Events => _events;

    public void Normal(string reason, string message) => _events.Add(new RolloutEvent(Now, EventType.Normal, reason, message));

    public void Warning(string reason, string message) => _events.Add(new RolloutEvent(Now, EventType.Warning, reason, message));

    public string Describe(int index) => StepPlan.Describe(Spec, index);
}
