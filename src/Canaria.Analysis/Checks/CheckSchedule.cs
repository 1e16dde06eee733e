using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Analysis.Checks;

/// <summary>Per-check timing of one rollout's analysis window: interval, initial delay, count, step ties. Loop-only state.</summary>
internal sealed class CheckSchedule
{
    private readonly Dictionary<string, DateTimeOffset> _lastAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Verdict> _lastVerdict = new(StringComparer.Ordinal);

    /// <summary>The window this schedule and the baselines belong to; a new window starts everything afresh.</summary>
    public AnalysisWindow? Window { get; private set; }

    public MetricWindow? CanaryBaseline { get; set; }
    public MetricWindow? StableBaseline { get; set; }
    public DateTimeOffset BaselineAt { get; set; }

    public bool Reset(AnalysisWindow window)
    {
        if (Window == window) return false;
        Window = window;
        _lastAt.Clear();
        _lastVerdict.Clear();
        CanaryBaseline = StableBaseline = null;
        return true;
    }

    /// <summary>True when the check may be measured now at this step (runs here, initial delay over, count not reached).</summary>
    public static bool Applies(CheckSpec check, AnalysisWindow window, CheckStatus? status, DateTimeOffset now) =>
        Wanted(check, window, status) && now - window.Since >= check.InitialDelay;

    /// <summary>True when the check runs at this window's step and has not reached its count there.</summary>
    public static bool Wanted(CheckSpec check, AnalysisWindow window, CheckStatus? status) =>
        check.RunsAt(window.StepIndex) && (check.Count is not { } count || (status?.StepMeasurements ?? 0) < count);

    /// <summary>When the check is next due: its initial delay after the step went live, and an interval after its last run.</summary>
    public static DateTimeOffset DueAt(CheckSpec check, TimeSpan interval, AnalysisWindow window, DateTimeOffset? lastRun)
    {
        var due = window.Since + check.InitialDelay;
        return lastRun is { } last && last + interval > due ? last + interval : due;
    }

    public bool IntervalDue(string check, TimeSpan interval, DateTimeOffset now) =>
        !_lastAt.TryGetValue(check, out var last) || now - last >= interval;

    /// <summary>A sequential verdict is reported at once when it fails or changes, and otherwise once per interval.</summary>
    public bool ShouldReport(string check, Verdict verdict, TimeSpan interval, DateTimeOffset now) =>
        verdict == Verdict.Fail || !_lastVerdict.TryGetValue(check, out var last) || last != verdict || IntervalDue(check, interval, now);

    public void Reported(string check, Verdict verdict, DateTimeOffset now)
    {
        _lastAt[check] = now;
        _lastVerdict[check] = verdict;
    }
}
