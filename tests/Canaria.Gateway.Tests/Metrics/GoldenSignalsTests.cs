using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Metrics;

public sealed class GoldenSignalsTests
{
    [Fact]
    public async Task Query_MixedOutcomes_CountsSuccessesFailuresAndLatencyPerVersion()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2", async ctx =>
        {
            ctx.Response.StatusCode = ctx.Request.Query.ContainsKey("fail") ? 500 : 404;
            await Task.Delay(20);
        });
        var config = Configs.TwoVersions(v1.Address, 0, v2.Address, 0, s => s with
        {
            Rules =
            [
                new() { Name = "to-v1", Version = "v1", Query = [new() { Name = "v", Exact = "1" }] },
                new() { Name = "to-v2", Version = "v2", Query = [new() { Name = "v", Exact = "2" }] },
            ],
        });
        await using var gw = await GatewayTestHost.StartAsync(config);

        for (var i = 0; i < 30; i++)
        {
            (await gw.Client.GetAsync("/?v=1")).Dispose();
        }

        for (var i = 0; i < 10; i++)
        {
            (await gw.Client.GetAsync(i < 4 ? "/?v=2&fail" : "/?v=2")).Dispose();
        }

        var stable = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromSeconds(10));
        var canary = gw.Runtime.Signals.Query("shop", "v2", TimeSpan.FromSeconds(10));

        Assert.Equal((30L, 30L, 0L), (stable.Requests, stable.Successes, stable.Failures));
        Assert.Equal((10L, 6L, 4L), (canary.Requests, canary.Successes, canary.Failures));
        Assert.Equal(0.6, canary.SuccessRate!.Value, 3);
        Assert.True(canary.P50Ms >= 16, $"canary p50 {canary.P50Ms} ms should reflect the 20 ms delay");
        Assert.True(stable.P50Ms < canary.P50Ms, $"stable p50 {stable.P50Ms} ms, canary p50 {canary.P50Ms} ms");
        Assert.Equal(10, canary.Latency.Counts.Sum());
        Assert.Equal(canary.Latency.Counts.Count, canary.Latency.UpperBoundsMs.Count);
        Assert.True(stable.Rps > 0);
        var all = gw.Runtime.Signals.QueryAll(TimeSpan.FromMinutes(1));
        Assert.Equal(["v1", "v2"], all.Where(s => s.Service == "shop").Select(s => s.Version).Order().ToArray());
    }

    [Fact]
    public void Record_WindowPassed_OldSecondsDropOutAndMemoryStaysFixed()
    {
        var time = new ManualTime();
        var signals = new GoldenSignals(time);
        var recorder = signals.GetRecorder("s", "v");

        signals.Record(recorder, StatusCodes.Status200OK, time.TimestampFrequency / 100);
        time.Advance(TimeSpan.FromSeconds(5));
        signals.Record(recorder, StatusCodes.Status503ServiceUnavailable, time.TimestampFrequency / 100);
        Assert.Equal(2, signals.Query("s", "v", TimeSpan.FromSeconds(10)).Requests);

        time.Advance(TimeSpan.FromSeconds(7));
        var tenSeconds = signals.Query("s", "v", TimeSpan.FromSeconds(10));
        Assert.Equal((1L, 1L), (tenSeconds.Requests, tenSeconds.Failures));

        for (var i = 0; i < 200; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            signals.Record(recorder, StatusCodes.Status200OK, 1000);
        }

        var minute = signals.Query("s", "v", TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(60), minute.Window);
        Assert.Equal(60, minute.Requests);
        Assert.Equal(1.0, minute.Rps, 1);
    }

    [Fact]
    public void RecordClientError_NextToAnswers_IsNoRequestFailureClassOrLatencyOfTheVersion()
    {
        var time = new ManualTime();
        var signals = new GoldenSignals(time);
        var recorder = signals.GetRecorder("s", "v");
        signals.Record(recorder, StatusCodes.Status200OK, time.TimestampFrequency / 100);
        signals.Record(recorder, StatusCodes.Status500InternalServerError, time.TimestampFrequency / 100);
        for (var i = 0; i < 200; i++)
        {
            signals.RecordClientError(recorder, i % 2 == 0 ? ClientErrorKind.BadRequestBody : ClientErrorKind.Aborted);
        }

        var window = signals.Query("s", "v", TimeSpan.FromSeconds(10));
        Assert.Equal((2L, 1L, 1L, 200L), (window.Requests, window.Successes, window.Failures, window.ClientErrors));
        Assert.Equal(0.5, window.SuccessRate);
        Assert.Equal(2, window.Latency.Counts.Sum());
        Assert.Equal(2, Enumerable.Range(0, 6).Sum(recorder.TotalForClass));
        Assert.Equal(1, recorder.TotalForClass(5));
        Assert.Equal((100L, 100L, 0L), (recorder.TotalClientErrors(ClientErrorKind.BadRequestBody), recorder.TotalClientErrors(ClientErrorKind.Aborted), recorder.TotalClientErrors(ClientErrorKind.NoRoute)));

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(0, signals.Query("s", "v", TimeSpan.FromSeconds(10)).ClientErrors);
        Assert.Equal(200, signals.Query("s", "v", TimeSpan.FromMinutes(1)).ClientErrors);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000 * TimeSpan.TicksPerSecond;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
