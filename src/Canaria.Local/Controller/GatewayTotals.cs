using Canaria.Core.Analysis;

namespace Canaria.Local.Controller;

/// <summary>
/// Two readings of a version's running totals (<see cref="Gateway.GatewayCounters"/>) subtract to the exact counts of the
/// time between them, so a comparison covers exactly "since the step's traffic went live" for canary and stable alike
/// (the rolling per-second windows would round to whole seconds).
/// </summary>
internal static class GatewayTotals
{
    /// <summary>The counts between an earlier reading and a later one.</summary>
    public static MetricWindow Between(MetricWindow earlier, MetricWindow later, TimeSpan elapsed) => new()
    {
        Requests = Math.Max(0, later.Requests - earlier.Requests),
        Failures = Math.Max(0, later.Failures - earlier.Failures),
        Rps = (later.Requests - earlier.Requests) / Math.Max(0.001, elapsed.TotalSeconds),
        Latency = later.Latency!.Minus(earlier.Latency!),
    };
}
