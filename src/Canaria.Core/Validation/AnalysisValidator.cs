using Canaria.Core.Model;

namespace Canaria.Core.Validation;

internal static class AnalysisValidator
{
    public static void Validate(AnalysisSpec analysis, Action<string, string> add)
    {
        if (analysis.Interval < TimeSpan.FromMilliseconds(100))
            add("spec.analysis.interval", "must be at least 100ms");
        if (analysis.FailureLimit < 0) add("spec.analysis.failureLimit", "must not be negative");
        if (analysis.InconclusiveLimit < 0) add("spec.analysis.inconclusiveLimit", "must not be negative");
        if (analysis.MinRequests < 1) add("spec.analysis.minRequests", "must be at least 1: no data is never a pass");
        if (analysis.StepPasses < 0) add("spec.analysis.stepPasses", "must not be negative");
        if (analysis.Checks.Count == 0) add("spec.analysis.checks", "needs at least one check");

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < analysis.Checks.Count; i++)
        {
            var check = analysis.Checks[i];
            var at = $"spec.analysis.checks[{i}]";
            if (!names.Add(check.Name)) add($"{at}.name", $"'{check.Name}' is used by another check");
            if (check.Min is null && check.Max is null) add(at, "needs min or max");
            if (check.Min > check.Max) add($"{at}.min", $"{check.Min} is more than max {check.Max}");
            var isRatio = check.Metric is MetricKind.SuccessRate or MetricKind.ErrorRate;
            foreach (var (field, value) in new[] { ("min", check.Min), ("max", check.Max) })
            {
                if (value is not { } v) continue;
                if (isRatio && v is < 0 or > 1) add($"{at}.{field}", $"{v} is not a ratio between 0 and 1 (write 0.99 for 99%)");
                else if (!isRatio && v < 0) add($"{at}.{field}", $"{v} must not be negative");
            }
        }
    }
}
