using Canaria.Core.Model;

namespace Canaria.Core.Validation;

internal static class AnalysisValidator
{
    public static void Validate(AnalysisSpec analysis, int stepCount, Action<string, string> add, Platform platform = Platform.Local)
    {
        if (analysis.Interval < TimeSpan.FromMilliseconds(100))
            add("spec.analysis.interval", "must be at least 100ms");
        if (analysis.FailureLimit < 0) add("spec.analysis.failureLimit", "must not be negative");
        if (analysis.InconclusiveLimit < 0) add("spec.analysis.inconclusiveLimit", "must not be negative");
        if (analysis.ConsecutiveErrorLimit < 0) add("spec.analysis.consecutiveErrorLimit", "must not be negative");
        if (analysis.MinRequests < 1) add("spec.analysis.minRequests", "must be at least 1: no data is never a pass");
        if (analysis.StepPasses < 0) add("spec.analysis.stepPasses", "must not be negative");
        if (analysis.Checks.Count == 0) add("spec.analysis.checks", "needs at least one check");

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < analysis.Checks.Count; i++)
        {
            var check = analysis.Checks[i];
            var at = $"spec.analysis.checks[{i}]";
            if (!names.Add(check.Name)) add($"{at}.name", $"'{check.Name}' is used by another check");
            CheckSource.Validate(check, at, add, platform);
            ValidateSchedule(check, analysis, stepCount, at, add);
            if (check.Compare is { } compare)
            {
                ValidateCompare(compare, at, add);
                continue;
            }
            if (check.Min is null && check.Max is null) add(at, "needs min or max");
            if (check.Min > check.Max) add($"{at}.min", $"{check.Min} is more than max {check.Max}");
            var isRatio = check.Provider == MetricProvider.Gateway && check.Metric is MetricKind.SuccessRate or MetricKind.ErrorRate;
            foreach (var (field, value) in new[] { ("min", check.Min), ("max", check.Max) })
            {
                if (value is not { } v) continue;
                if (isRatio && v is < 0 or > 1) add($"{at}.{field}", $"{v} is not a ratio between 0 and 1 (write 0.99 for 99%)");
                else if (check.Provider == MetricProvider.Gateway && !isRatio && v < 0) add($"{at}.{field}", $"{v} must not be negative");
            }
        }
    }

    private static void ValidateSchedule(CheckSpec check, AnalysisSpec analysis, int stepCount, string at, Action<string, string> add)
    {
        if (check.Interval is { } interval && interval < TimeSpan.FromMilliseconds(100)) add($"{at}.interval", "must be at least 100ms");
        if (check.Window is { } window)
        {
            if (check.Provider == MetricProvider.Gateway) add($"{at}.window", "does not apply to provider gateway (its thresholds read the last interval)");
            else if (window < TimeSpan.FromSeconds(1)) add($"{at}.window", "must be at least 1s ({{window}} is whole seconds)");
        }
        if (check.Count is { } count && count < 1) add($"{at}.count", "must be at least 1");
        if (check.Count < analysis.StepPasses) add($"{at}.count", $"{check.Count} measurements can never give the {analysis.StepPasses} passes a step needs (stepPasses)");
        if (check.InitialDelay < TimeSpan.Zero) add($"{at}.initialDelay", "must not be negative");
        if (check.FailureLimit < 0) add($"{at}.failureLimit", "must not be negative");
        if (check.ConsecutiveErrorLimit < 0) add($"{at}.consecutiveErrorLimit", "must not be negative");
        foreach (var step in check.Steps.Where(s => s < 0 || s >= stepCount))
            add($"{at}.steps", $"{step} is not the index of a written step (0 to {stepCount - 1})");
    }

    private static void ValidateCompare(CompareSpec compare, string at, Action<string, string> add)
    {
        if (compare.Alpha is <= 0 or >= 0.5) add($"{at}.alpha", $"{compare.Alpha} must be between 0 and 0.5");
        if (compare.Beta is <= 0 or >= 0.5) add($"{at}.beta", $"{compare.Beta} must be between 0 and 0.5");
        if (compare.MinEffect is { } e && (e <= 0 || e >= 0.5)) add($"{at}.minEffect", $"{e} must be between 0 and 0.5");
        if (compare.Tolerance < 0) add($"{at}.tolerance", "must not be negative");
        if (compare.Quantile is <= 0 or >= 1) add($"{at}.percentile", $"{compare.Quantile} must be between 0 and 1 (0.99 for p99)");
    }
}
