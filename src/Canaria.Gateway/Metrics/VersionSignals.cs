namespace Canaria.Gateway.Metrics;

/// <summary>
/// The golden signals of one service × version over a rolling window (as <c>linkerd viz stat</c> shows them).
/// Failures are 5xx answers, gateway-generated 502/503/504 included. Requests the client broke (malformed
/// framing, body read errors, client aborts, the gateway's own 4xx) are <see cref="ClientErrors"/>: they are
/// not in <see cref="Requests"/>, so they never lower the success rate or add latency. Percentiles and
/// success rate are null when there was no request ("no data" is never a pass).
/// </summary>
internal sealed record VersionSignals
{
    public required string Service { get; init; }

    public required string Version { get; init; }

    public required TimeSpan Window { get; init; }

    public long Requests { get; init; }

    public long Successes { get; init; }

    public long Failures { get; init; }

    /// <summary>Requests the client broke, routed to this version but not counted as its requests.</summary>
    public long ClientErrors { get; init; }

    public double? SuccessRate => Requests == 0 ? null : (double)Successes / Requests;

    public double Rps { get; init; }

    public double? P50Ms { get; init; }

    public double? P95Ms { get; init; }

    public double? P99Ms { get; init; }

    public required LatencyHistogram Latency { get; init; }
}
