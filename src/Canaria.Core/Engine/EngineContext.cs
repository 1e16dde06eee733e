using Canaria.Core.Model;

namespace Canaria.Core.Engine;

/// <summary>The inputs of one reconcile and the events it decides, passed between the engine's parts.</summary>
internal sealed class EngineContext(RolloutSpec spec, Observation observation, DateTimeOffset now, MessageVoice? voice = null)
{
    private readonly List<RolloutEvent> _events = [];

    public RolloutSpec Spec { get; } = spec;
    public Observation Observation { get; } = observation;
    public DateTimeOffset Now { get; } = now;
    public MessageVoice Voice { get; } = voice ?? new MessageVoice();
    public IReadOnlyList<RolloutEvent> Events => _events;

    public void Normal(string reason, string message) => _events.Add(new RolloutEvent(Now, EventType.Normal, reason, message));

    public void Warning(string reason, string message) => _events.Add(new RolloutEvent(Now, EventType.Warning, reason, message));

    public string Describe(int index) => StepPlan.Describe(Spec, index);

    /// <summary>
    /// The canary's share at a step as people should read it: the step's split ("10%", "250/750 (75%)") when a gateway or
    /// router applies it, or, without a router, what ready pods make of it ("1/3 ready pods, ~33% by replica ratio").
    /// </summary>
    public string Share(EffectiveStep step, int canary)
    {
        if (!Voice.ReplicaRatio) return $"{step.TrafficText} on revision {canary}";
        var ready = Observation.Ready(canary);
        var all = ready + Observation.Revisions.Where(r => r.Key != canary).Sum(r => r.Value.Ready);
        var percent = all == 0 ? 0 : (int)Math.Round(100.0 * ready / all);
        return $"revision {canary} has {ready}/{all} ready pods (~{percent}% of requests by replica ratio)";
    }
}
