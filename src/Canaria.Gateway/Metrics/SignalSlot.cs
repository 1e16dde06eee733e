namespace Canaria.Gateway.Metrics;

/// <summary>The counters of one second for one version. Written with Interlocked; replaced (not cleared) when its second comes round again.</summary>
internal sealed class SignalSlot(long second)
{
    public readonly long[] Buckets = new long[LatencyBuckets.Count];
    public long Requests;
    public long Failures;

    /// <summary>Requests the client broke; not part of <see cref="Requests"/>.</summary>
    public long ClientErrors;

    public long Second { get; } = second;
}
