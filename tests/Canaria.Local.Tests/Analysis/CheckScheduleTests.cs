using Canaria.Analysis.Checks;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Local.Tests.Analysis;

public sealed class CheckScheduleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;
    private static readonly AnalysisWindow Step1 = new(2, 1, 1, T0, 10);

    [Theory]
    // initial delay s, count, steps, measurements so far at this step, seconds since live, applies
    [InlineData(0, null, "", 0, 0.0, true)]
    [InlineData(5, null, "", 0, 4.9, false)]
    [InlineData(5, null, "", 0, 5.0, true)]
    [InlineData(0, 3, "", 2, 1.0, true)]
    [InlineData(0, 3, "", 3, 1.0, false)]
    [InlineData(0, null, "1", 0, 1.0, true)]
    [InlineData(0, null, "0,2", 0, 1.0, false)]
    public void Applies_DelayCountAndSteps_DecideWhetherToMeasure(int delay, int? count, string steps, int measured, double seconds, bool applies)
    {
        var check = new CheckSpec
        {
            Name = "c",
            InitialDelay = TimeSpan.FromSeconds(delay),
            Count = count,
            Steps = steps.Length == 0 ? [] : steps.Split(',').Select(int.Parse).ToArray(),
        };

        var result = CheckSchedule.Applies(check, Step1, new CheckStatus { Name = "c", StepMeasurements = measured }, T0 + TimeSpan.FromSeconds(seconds));

        Assert.Equal(applies, result);
    }

    [Theory]
    // initial delay s, last run s after the step went live (-1: never), due s after the step went live
    [InlineData(0, -1, 0)]
    [InlineData(5, -1, 5)]
    [InlineData(0, 3, 8)]
    [InlineData(10, 3, 10)]
    public void DueAt_DelayAndLastRun_LaterOfTheTwo(int delay, int lastRun, int due)
    {
        var check = new CheckSpec { Name = "c", InitialDelay = TimeSpan.FromSeconds(delay) };
        DateTimeOffset? last = lastRun < 0 ? null : T0.AddSeconds(lastRun);

        Assert.Equal(T0.AddSeconds(due), CheckSchedule.DueAt(check, TimeSpan.FromSeconds(5), Step1, last));
    }

    [Fact]
    public void ShouldReport_Sequential_FailsAndChangesAtOnceOtherwiseOncePerInterval()
    {
        var schedule = new CheckSchedule();
        schedule.Reset(Step1);
        var interval = TimeSpan.FromSeconds(5);

        Assert.True(schedule.ShouldReport("e", Verdict.Pending, interval, T0));
        schedule.Reported("e", Verdict.Pending, T0);
        Assert.False(schedule.ShouldReport("e", Verdict.Pending, interval, T0.AddSeconds(1)));
        Assert.True(schedule.ShouldReport("e", Verdict.Pass, interval, T0.AddSeconds(1)));
        Assert.True(schedule.ShouldReport("e", Verdict.Fail, interval, T0.AddSeconds(1)));
        Assert.True(schedule.ShouldReport("e", Verdict.Pending, interval, T0.AddSeconds(5)));

        Assert.True(schedule.Reset(Step1 with { StepIndex = 2 }));
        Assert.True(schedule.IntervalDue("e", interval, T0.AddSeconds(1)));
        Assert.False(schedule.Reset(Step1 with { StepIndex = 2 }));
    }
}
