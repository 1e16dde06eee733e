namespace Canaria.Gateway.Tests.Support;

/// <summary>A seeded, thread-safe Random: the same draws in any thread interleaving, so counts are reproducible.</summary>
internal sealed class LockedRandom(int seed) : Random
{
    private readonly Random _inner = new(seed);
    private readonly Lock _gate = new();

    public override int Next(int maxValue)
    {
        lock (_gate)
        {
            return _inner.Next(maxValue);
        }
    }

    public override long NextInt64(long maxValue)
    {
        lock (_gate)
        {
            return _inner.NextInt64(maxValue);
        }
    }

    public override double NextDouble()
    {
        lock (_gate)
        {
            return _inner.NextDouble();
        }
    }
}
