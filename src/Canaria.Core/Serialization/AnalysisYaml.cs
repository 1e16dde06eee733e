using Canaria.Core.Model;

namespace Canaria.Core.Serialization;

internal static class AnalysisYaml
{
    private static readonly Dictionary<string, MetricKind> Metrics = new(StringComparer.Ordinal)
    {
        ["successRate"] = MetricKind.SuccessRate,
        ["errorRate"] = MetricKind.ErrorRate,
        ["latencyP50"] = MetricKind.LatencyP50,
        ["latencyP95"] = MetricKind.LatencyP95,
        ["latencyP99"] = MetricKind.LatencyP99,
        ["requestRate"] = MetricKind.RequestRate,
    };

    public static IReadOnlyCollection<string> MetricNames => Metrics.Keys;

    public static string NameOf(MetricKind kind) => Metrics.First(p => p.Value == kind).Key;

    public static AnalysisSpec Read(MapReader m)
    {
        var d = new AnalysisSpec();
        var a = new AnalysisSpec
        {
            Interval = m.Duration("interval") ?? d.Interval,
            FailureLimit = m.Int("failureLimit") ?? d.FailureLimit,
            InconclusiveLimit = m.Int("inconclusiveLimit") ?? d.InconclusiveLimit,
            MinRequests = m.Int("minRequests") ?? d.MinRequests,
            StepPasses = m.Int("stepPasses") ?? d.StepPasses,
            Checks = m.Maps("checks").Select(ReadCheck).ToList(),
        };
        m.RejectUnknown();
        return a;
    }

    private static CheckSpec ReadCheck(MapReader m)
    {
        var metric = m.String("metric", required: true);
        var kind = MetricKind.SuccessRate;
        if (metric is not null && !Metrics.TryGetValue(metric, out kind))
            m.Error(m.Field("metric"), m.Raw("metric")!, $"'{metric}' is not a known metric (one of {string.Join(", ", Metrics.Keys)})");
        var c = new CheckSpec
        {
            Name = m.String("name") ?? metric ?? "",
            Metric = kind,
            Min = m.Double("min"),
            Max = m.Double("max"),
        };
        m.RejectUnknown();
        return c;
    }
}
