namespace Canaria.Kubernetes.Client;

/// <summary>Exponential back-off with jitter: attempt n waits a random time in [d/2, d], d = min(max, initial·2ⁿ).</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var d = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        double jitter;
        lock (random)
        {
            jitter = random.NextDouble();
        }
        return TimeSpan.FromMilliseconds(d * (0.5 + (jitter / 2)));
    }

    public void Reset() => _attempt = 0;
}
