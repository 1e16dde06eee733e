namespace Canaria.Core.Model;

/// <summary>
/// PromQL for a `compare: stable` check read from Prometheus, each rendered once per side: {{version}} is the label
/// value of the side (the canary's, then stable's) and {{window}} the time since the step went live. Each query
/// answers counts over that window (an increase of counters), so both sides are judged on the same time.
/// </summary>
internal sealed record CompareQueries
{
    /// <summary>Requests of one side in the window, e.g. sum(increase(http_requests_total{version="{{version}}"}[{{window}}])).</summary>
    public string Requests { get; init; } = "";

    /// <summary>Failed requests of one side in the window; no series is 0 failures (when Requests has data).</summary>
    public string Errors { get; init; } = "";

    /// <summary>Latency histogram bucket increases of one side, by le (Mann-Whitney and percentile need it).</summary>
    public string? LatencyBuckets { get; init; }

    /// <summary>What the histogram's le is written in: seconds (Prometheus' convention) or milliseconds (Istio, Linkerd).</summary>
    public LatencyUnit LatencyUnit { get; init; } = LatencyUnit.Seconds;

    /// <summary>Where the queries came from, for evidence: "queries" (the user's) or a router's name.</summary>
    public string Origin { get; init; } = "queries";

    public double ToMilliseconds => LatencyUnit == LatencyUnit.Seconds ? 1000 : 1;
}

internal enum LatencyUnit
{
    Seconds,
    Milliseconds,
}
