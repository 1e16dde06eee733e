using Canaria.Gateway.Managed;
using Canaria.Gateway.Metrics;
using Canaria.Local.Controller;
using Canaria.Local.Gateway;

namespace Canaria.Local.Tests.Gateway;

public sealed class GatewayCountersTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_SameInstance_RunningTotalsAreTheGatewaysTotals()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("a", Totals(ok: 10, failed: 1)));
        counters.Update(Reply("a", Totals(ok: 25, failed: 3)));
        var window = counters.Read("svc", "v2");
        Assert.Equal(28, window.Requests);
        Assert.Equal(3, window.Failures);
    }

    [Fact]
    public void Read_GatewayRestartedWithNewInstance_CountsContinueWithoutLossOrDoubleCount()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("a", Totals(ok: 100, failed: 2)));
        var baseline = counters.Read("svc", "v2");
        counters.Update(Reply("b", Totals(ok: 7, failed: 1)));   // a new process: its counters started at zero
        counters.Update(Reply("b", Totals(ok: 20, failed: 1)));
        var between = GatewayTotals.Between(baseline, counters.Read("svc", "v2"), TimeSpan.FromSeconds(1));
        Assert.Equal(21, between.Requests);
        Assert.Equal(1, between.Failures);
        Assert.Equal(21, between.Latency!.Counts.Sum());
    }

    [Fact]
    public void FromMark_MarkOfCurrentInstanceAfterEarlierRestart_IsShiftedIntoRunningTotals()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("a", Totals(ok: 50, failed: 0)));
        counters.Update(Reply("b", Totals(ok: 10, failed: 0)));  // running total 60
        var mark = Totals(ok: 4, failed: 0);                     // the new gateway's mark, taken when it had served 4
        var baseline = counters.FromMark("b", mark);
        Assert.Equal(54, baseline.Requests);
        counters.Update(Reply("b", Totals(ok: 30, failed: 2)));
        Assert.Equal(28, GatewayTotals.Between(baseline, counters.Read("svc", "v2"), TimeSpan.FromSeconds(1)).Requests);
    }

    [Fact]
    public void Read_TwoProcessesDuringHandover_BothCountedOnce()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("old", Totals(ok: 100, failed: 0)));
        var baseline = counters.Read("svc", "v2");
        counters.Update(Reply("new", Totals(ok: 5, failed: 0)));  // the successor serves
        counters.Update(Reply("old", Totals(ok: 112, failed: 1))); // the old one still drains
        counters.Update(Reply("new", Totals(ok: 9, failed: 0)));
        var between = GatewayTotals.Between(baseline, counters.Read("svc", "v2"), TimeSpan.FromSeconds(1));
        Assert.Equal(22, between.Requests); // 13 from the old process after the baseline, 9 from the new one
        Assert.Equal(1, between.Failures);
    }

    [Fact]
    public void FromMark_ControllerRestartedAfterTheMark_BaselineExcludesOnlyWhatCameAfter()
    {
        var counters = new GatewayCounters();                      // a new controller: it reads the gateway for the first time
        counters.Update(Reply("a", Totals(ok: 80, failed: 4)));
        var baseline = counters.FromMark("a", Totals(ok: 50, failed: 1)); // the mark its predecessor took at the step's start
        counters.Update(Reply("a", Totals(ok: 90, failed: 4)));
        var between = GatewayTotals.Between(baseline, counters.Read("svc", "v2"), TimeSpan.FromSeconds(1));
        Assert.Equal(43, between.Requests); // 33 served before the restart and 10 after: none lost, none twice
        Assert.Equal(3, between.Failures);
    }

    [Fact]
    public void Read_UnknownVersion_IsZeroNotAnError()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("a", Totals(ok: 5, failed: 0)));
        Assert.Equal(0, counters.Read("svc", "nope").Requests);
    }

    [Fact]
    public void Read_BaselineTakenEarlier_IsNotChangedByLaterUpdates()
    {
        var counters = new GatewayCounters();
        counters.Update(Reply("a", Totals(ok: 5, failed: 0)));
        var baseline = counters.Read("svc", "v2");
        counters.Update(Reply("a", Totals(ok: 50, failed: 0)));
        Assert.Equal(5, baseline.Latency!.Counts.Sum());
    }

    private static VersionTotals Totals(long ok, long failed)
    {
        var classes = new long[VersionRecorder.StatusClasses];
        classes[2] = ok;
        classes[5] = failed;
        var buckets = new long[LatencyBuckets.Count];
        buckets[40] = ok + failed;
        return new VersionTotals("svc", "v2", classes, buckets);
    }

    private static GatewayTotalsReply Reply(string instance, VersionTotals totals) =>
        new(instance, 1, 1, At, new Dictionary<string, string>(), [totals], []);
}
