namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// One version's golden signals over one sampling interval (about a second), read from the gateway's exact counts, and
/// the share of traffic it had then. <c>Seq</c> orders every point of a controller so a live view asks only for newer ones.
/// </summary>
internal readonly record struct SignalPoint(
    long Seq,
    DateTimeOffset At,
    string Version,
    string Role,
    int Weight,
    double Rps,
    double? SuccessRate,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms);
