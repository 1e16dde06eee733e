using Canaria.Core.Engine;

namespace Canaria.Local.Controller;

internal sealed record ControllerOptions
{
    /// <summary>How often every rollout is reconciled when nothing else wakes the loop.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a Prometheus or web metric source may take to answer.</summary>
    public TimeSpan MetricTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Called on the controller loop for every decision event (the terminal's live view uses it).</summary>
    public Action<string, RolloutEvent>? OnEvent { get; init; }
}
