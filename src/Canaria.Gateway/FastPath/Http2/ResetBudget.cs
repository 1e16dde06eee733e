namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Bounds the streams a client may have cancelled or refused (rapid reset, CVE-2023-44487): a bucket of
/// <see cref="Burst"/> tokens refilled at <see cref="PerSecond"/>; each stream the client resets (or that is refused) takes
/// one, and an empty bucket ends the connection with ENHANCE_YOUR_CALM. A client that cancels at a steady human or
/// load-test pace never empties it; one that opens and resets thousands at once does within the first buffers.
/// </summary>
internal sealed class ResetBudget(TimeProvider time)
{
    public const int Burst = 200;
    public const int PerSecond = 100;
    private double _tokens = Burst;
    private long _at = time.GetTimestamp();

    /// <summary>Takes one token; false when there was none left.</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(Burst, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * PerSecond);
        _at = now;
        if (_tokens < 1) return false;
        _tokens--;
        return true;
    }
}
