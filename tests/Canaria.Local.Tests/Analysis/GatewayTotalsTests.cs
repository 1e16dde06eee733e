using Canaria.Gateway.Metrics;
using Canaria.Gateway.Managed;
using Canaria.Local.Controller;
using Canaria.Local.Gateway;

namespace Canaria.Local.Tests.Analysis;

/// <summary>The exact counts comparisons use: requests the client broke are neither requests nor failures of a version.</summary>
public sealed class GatewayTotalsTests
{
    [Fact]
    public void Read_ClientErrorsBetweenAnswers_CountsOnlyTheVersionsAnswers()
    {
        var signals = new GoldenSignals(TimeProvider.System);
        var recorder = signals.GetRecorder("shop", "v2");
        var counters = new GatewayCounters();
        void Read() => counters.Update(new GatewayTotalsReply("i", 1, 1, DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), [VersionTotals.Of(recorder)], []));
        Read();
        var before = counters.Read("shop", "v2");
        for (var i = 0; i < 9; i++)
        {
            signals.Record(recorder, i == 0 ? 503 : 200, 1000);
        }

        signals.Record(recorder, 404, 1000);
        foreach (var kind in ClientErrorKinds.All)
        {
            for (var i = 0; i < 200; i++)
            {
                signals.RecordClientError(recorder, kind);
            }
        }

        Read();
        var after = counters.Read("shop", "v2");
        var between = GatewayTotals.Between(before, after, TimeSpan.FromSeconds(1));

        Assert.Equal((10L, 1L), (after.Requests, after.Failures));
        Assert.Equal((10L, 1L), (between.Requests, between.Failures));
        Assert.Equal(0.9, between.SuccessRate, 6);
        Assert.Equal(10, between.Latency!.Total);
    }
}
