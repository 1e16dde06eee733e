namespace Canaria.Gateway.Metrics;

/// <summary>
/// Cumulative counts of one service × version since this gateway process began recording it: requests by status
/// class (index = status / 100) and the latency histogram (<see cref="LatencyBuckets"/>). Two readings of the same
/// gateway instance subtract to the exact counts between them. <see cref="ClientErrors"/> (by <see cref="ClientErrorKind"/>)
/// are requests the client broke: in no class, never a request or failure of the version.
/// </summary>
internal sealed record VersionTotals(string Service, string Version, long[] Classes, long[] Buckets)
{
    public long[] ClientErrors { get; init; } = [];

    public static VersionTotals Of(VersionRecorder recorder)
    {
        var buckets = new long[LatencyBuckets.Count];
        recorder.CopyTotalBuckets(buckets);
        return new VersionTotals(recorder.Service, recorder.Version, recorder.TotalClasses(), buckets)
        {
            ClientErrors = [.. ClientErrorKinds.All.Select(recorder.TotalClientErrors)],
        };
    }
}
