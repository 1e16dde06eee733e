using System.Collections.Concurrent;

namespace Canaria.Gateway.Forwarding;

/// <summary>
/// A reusable cancellation source for one upstream call: cancelled by the client's abort token or by a
/// timeout. Rented and returned per request so the hot path allocates no source, registration or timer.
/// </summary>
internal sealed class PooledTimeoutSource : CancellationTokenSource
{
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<PooledTimeoutSource> Pool = new();
    private static int _pooled;
    private CancellationTokenRegistration _linked;

    public static PooledTimeoutSource Rent(TimeSpan timeout, CancellationToken linked)
    {
        if (Pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            source = new PooledTimeoutSource();
        }

        source.CancelAfter(timeout);
        source._linked = linked.UnsafeRegister(static s => ((PooledTimeoutSource)s!).Cancel(), source);
        return source;
    }

    /// <summary>Unlinks and returns the source to the pool (or disposes it if it fired or the pool is full).</summary>
    public void Return()
    {
        _linked.Dispose();
        _linked = default;
        if (TryReset() && Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
            return;
        }

        Dispose();
    }
}
