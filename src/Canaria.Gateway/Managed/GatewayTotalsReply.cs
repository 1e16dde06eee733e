using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Managed;

/// <summary>
/// What a managed gateway reports on <c>GET /totals</c>: who it is (<see cref="Instance"/>: counters restart with a new
/// one), the config generation it serves, its bound listeners, every version's cumulative totals and the marks.
/// </summary>
internal sealed record GatewayTotalsReply(
    string Instance,
    int Pid,
    int Generation,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Listeners,
    IReadOnlyList<VersionTotals> Versions,
    IReadOnlyList<GatewayMark> Marks);
