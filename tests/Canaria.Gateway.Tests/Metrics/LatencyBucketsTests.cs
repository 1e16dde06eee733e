using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Tests.Metrics;

public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(3L)]
    [InlineData(4L)]
    [InlineData(999L)]
    [InlineData(1_000L)]
    [InlineData(123_456L)]
    [InlineData(60_000_000L)]
    public void IndexOf_AnyValue_FallsInsideItsBucketBounds(long micros)
    {
        var index = LatencyBuckets.IndexOf(micros);

        Assert.InRange(micros, LatencyBuckets.LowerBoundMicros(index), LatencyBuckets.UpperBoundMicros(index));
        Assert.True(LatencyBuckets.UpperBoundMicros(index) - LatencyBuckets.LowerBoundMicros(index) <= Math.Max(1, 0.25 * LatencyBuckets.LowerBoundMicros(index)));
    }

    [Fact]
    public void QuantileMs_UniformSamples_WithinBucketResolution()
    {
        var counts = new long[LatencyBuckets.Count];
        for (var ms = 1; ms <= 1000; ms++)
        {
            counts[LatencyBuckets.IndexOf(ms * 1000L)]++;
        }

        Assert.InRange(LatencyBuckets.QuantileMs(counts, 1000, 0.5)!.Value, 500 * 0.8, 500 * 1.2);
        Assert.InRange(LatencyBuckets.QuantileMs(counts, 1000, 0.99)!.Value, 990 * 0.8, 990 * 1.2);
        Assert.Null(LatencyBuckets.QuantileMs(new long[LatencyBuckets.Count], 0, 0.5));
    }
}
