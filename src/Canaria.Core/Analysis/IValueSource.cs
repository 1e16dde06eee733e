using Canaria.Core.Model;

namespace Canaria.Core.Analysis;

/// <summary>
/// What a remote check is asked about: the rollout, its service, the canary and stable versions, the window (From..To).
/// MinWindow is the least {{window}} a query gets, however short From..To is: a rate over a few seconds has no data
/// when the metrics are scraped every 15-60 s.
/// </summary>
internal sealed record CheckQuery(string Rollout, string? Namespace, string Service, string Version, string StableVersion, DateTimeOffset From, DateTimeOffset To,
    TimeSpan MinWindow = default);

/// <summary>
/// One number read by a remote source; Error is set when the source failed (never a pass), Value null when it had no data.
/// When the source answered several numbers (series, points of a range), Value is the highest and Lowest the lowest,
/// so a check with both min and max judges each bound by its own worst value.
/// </summary>
internal sealed record MetricReading(double? Value, string? Error, string Detail)
{
    /// <summary>The lowest of several numbers (Value is then the highest); null for one number.</summary>
    public double? Lowest { get; init; }

    public static MetricReading Failed(string error) => new(null, error, error);
}

/// <summary>A source that answers one number per check (Prometheus, a web endpoint). Expected failures come back as readings, not exceptions.</summary>
internal interface IValueSource
{
    ValueTask<MetricReading> ReadAsync(CheckSpec check, CheckQuery query, CancellationToken cancellationToken);
}
