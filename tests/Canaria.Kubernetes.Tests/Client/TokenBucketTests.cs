using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Client;

public sealed class TokenBucketTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void Reserve_BurstUsedUp_WaitsOneIntervalPerToken()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(qps: 10, burst: 2, time);

        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(100, bucket.Reserve().TotalMilliseconds, precision: 3);
        Assert.Equal(200, bucket.Reserve().TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void Reserve_AfterIdleTime_RefillsUpToBurstOnly()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(qps: 10, burst: 2, time);
        bucket.Reserve();
        bucket.Reserve();

        time.Ticks += TimeSpan.FromSeconds(60).Ticks;

        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.True(bucket.Reserve() > TimeSpan.Zero);
    }

    [Fact]
    public void Next_ManyAttempts_GrowsWithJitterAndStaysUnderMax()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(42));

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next().TotalMilliseconds).ToList();

        Assert.InRange(delays[0], 50, 100);
        Assert.InRange(delays[3], 400, 800);
        Assert.All(delays, d => Assert.InRange(d, 50, 2000));
        Assert.InRange(delays[9], 1000, 2000);
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }
}
