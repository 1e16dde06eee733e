using Canaria.Analysis.Metrics;
using Canaria.Core.Analysis;
using Canaria.Core.Model;

namespace Canaria.Analysis.Checks;

/// <summary>
/// One measurement of a check whose number comes from outside Canaria (Prometheus, a web endpoint): read, judge
/// against min/max, tag with the revision and step it was taken for. Every platform measures these the same way.
/// </summary>
internal static class RemoteCheck
{
    /// <summary>The remote sources by provider, sharing one HTTP client; every request is bounded by the timeout.</summary>
    public static IReadOnlyDictionary<MetricProvider, IValueSource> Sources(HttpClient http, TimeSpan timeout) => new Dictionary<MetricProvider, IValueSource>
    {
        [MetricProvider.Prometheus] = new PrometheusMetricSource(http, timeout),
        [MetricProvider.Web] = new WebMetricSource(http, timeout),
    };

    /// <summary>The measurement is stamped with the window's end (query.To): the time its data describes.</summary>
    public static async Task<Measurement> MeasureAsync(IValueSource source, CheckSpec check, CheckQuery query, int canaryRevision, int stepIndex, CancellationToken ct)
    {
        var reading = await source.ReadAsync(check, query, ct).ConfigureAwait(false);
        var (verdict, value, evidence) = ThresholdJudge.JudgeValue(check, reading);
        return new Measurement(check.Name, verdict, value, evidence, query.To, canaryRevision, stepIndex);
    }
}
