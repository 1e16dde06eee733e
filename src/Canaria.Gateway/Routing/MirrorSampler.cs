namespace Canaria.Gateway.Routing;

/// <summary>
/// Decides which requests are mirrored, deterministically: the n-th request is mirrored when n × percent crosses a
/// whole hundred, so after N requests exactly ⌊N × percent / 100⌋ were mirrored (10% of 200 is 20, not 14 to 27).
/// Lock-free (one Interlocked increment). Resolution is a millionth of a percent point.
/// </summary>
internal sealed class MirrorSampler(double percent)
{
    private const long Scale = 100_000_000;
    private readonly long _perRequest = (long)Math.Round(Math.Clamp(percent, 0, 100) * (Scale / 100));
    private long _count;

    public bool Next()
    {
        if (_perRequest == 0)
        {
            return false;
        }

        // The pattern repeats every Scale requests, so counting modulo Scale never overflows.
        var p = (Interlocked.Increment(ref _count) - 1) % Scale;
        return (p + 1) * _perRequest / Scale != p * _perRequest / Scale;
    }
}
