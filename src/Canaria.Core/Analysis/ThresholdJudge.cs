using System.Globalization;
using Canaria.Core.Model;
using Canaria.Core.Serialization;

namespace Canaria.Core.Analysis;

/// <summary>Judges one check against min/max thresholds. Missing data, NaN and small samples are inconclusive, never a pass.</summary>
internal static class ThresholdJudge
{
    public static (Verdict Verdict, double? Value, string Evidence) Judge(CheckSpec check, MetricWindow? window, int minRequests)
    {
        var metric = AnalysisYaml.NameOf(check.Metric);
        if (window is null)
            return (Verdict.Inconclusive, null, $"{metric}: no data from the metric source");
        if (window.Requests < minRequests)
            return (Verdict.Inconclusive, null, $"{metric}: only {window.Requests} requests in the window (need {minRequests})");

        double? value = check.Metric switch
        {
            MetricKind.SuccessRate => window.SuccessRate,
            MetricKind.ErrorRate => window.Failures / (double)window.Requests, // not 1 - successRate: 1 - 0.95 > 0.05
            MetricKind.LatencyP50 => window.P50,
            MetricKind.LatencyP95 => window.P95,
            MetricKind.LatencyP99 => window.P99,
            _ => window.Rps,
        };
        if (value is not { } v || double.IsNaN(v))
            return (Verdict.Inconclusive, null, $"{metric}: the source returned no value (NaN)");

        var shown = Show(check.Metric, v);
        var sample = $"over {window.Requests} requests";
        if (check.Min is { } min && v < min)
            return (Verdict.Fail, v, $"{metric} {shown} < min {Show(check.Metric, min)} {sample}");
        if (check.Max is { } max && v > max)
            return (Verdict.Fail, v, $"{metric} {shown} > max {Show(check.Metric, max)} {sample}");
        return (Verdict.Pass, v, $"{metric} {shown} {sample}");
    }

    /// <summary>Judges a number from a remote source (Prometheus, web): an error is Error, no value or NaN is inconclusive.</summary>
    public static (Verdict Verdict, double? Value, string Evidence) JudgeValue(CheckSpec check, MetricReading reading)
    {
        var name = check.Provider.ToString().ToLowerInvariant();
        if (reading.Error is not null)
            return (Verdict.Error, null, $"{name}: {reading.Error}");
        if (reading.Value is not { } v || double.IsNaN(v) || double.IsInfinity(v))
            return (Verdict.Inconclusive, null, $"{name}: no value ({reading.Detail})");
        // Several numbers: each bound is judged by its own worst one (min by the lowest, max by the highest).
        var low = reading.Lowest is { } l && !double.IsNaN(l) ? l : v;
        if (check.Min is { } min && low < min)
            return (Verdict.Fail, low, $"{name} value {Show(low)} < min {min.ToString(CultureInfo.InvariantCulture)} ({reading.Detail})");
        if (check.Max is { } max && v > max)
            return (Verdict.Fail, v, $"{name} value {Show(v)} > max {max.ToString(CultureInfo.InvariantCulture)} ({reading.Detail})");
        var shown = check.Max is null ? low : v;
        return (Verdict.Pass, shown, $"{name} value {Show(shown)} ({reading.Detail})");
    }

    private static string Show(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Show(MetricKind kind, double v) => kind switch
    {
        MetricKind.SuccessRate or MetricKind.ErrorRate => (v * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%",
        MetricKind.RequestRate => v.ToString("0.#", CultureInfo.InvariantCulture) + " rps",
        _ => v.ToString("0.#", CultureInfo.InvariantCulture) + " ms",
    };
}
