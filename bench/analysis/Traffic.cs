using Canaria.Gateway.Metrics;

namespace Canaria.AnalysisBench;

/// <summary>A version's behaviour: error probability and latency (lognormal around a median, plus a shift).</summary>
internal sealed record Behaviour(double ErrorRate, double MedianMs = 50, double Sigma = 0.5, double ExtraMs = 0);

/// <summary>What one version served in one tick.</summary>
internal readonly record struct TickCounts(int Requests, int Failures);

/// <summary>Requests of one version arriving as a Poisson stream, with outcomes and latencies drawn from a seeded Random.</summary>
internal sealed class Traffic(Random random, double rps, Behaviour behaviour)
{
    /// <summary>Cumulative latency histogram in the gateway's own buckets.</summary>
    public long[] Buckets { get; } = new long[LatencyBuckets.Count];

    public long Requests { get; private set; }
    public long Failures { get; private set; }

    public TickCounts Tick(TimeSpan length)
    {
        var n = Poisson(rps * length.TotalSeconds);
        var failures = 0;
        for (var i = 0; i < n; i++)
        {
            if (random.NextDouble() < behaviour.ErrorRate) failures++;
            var ms = (behaviour.MedianMs * Math.Exp(behaviour.Sigma * Gaussian())) + behaviour.ExtraMs;
            Buckets[LatencyBuckets.IndexOf((long)(ms * 1000))]++;
        }
        Requests += n;
        Failures += failures;
        return new TickCounts(n, failures);
    }

    private int Poisson(double mean)
    {
        // Knuth's method: fine for the small means of one 100 ms tick.
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }
        return k;
    }

    private double Gaussian()
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
