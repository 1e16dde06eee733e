namespace Canaria.Cli.Load;

/// <summary>What clients saw of one version: requests, failures (5xx or no answer) and latencies.</summary>
internal sealed class VersionTally
{
    private long _requests;
    private long _failures;

    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);
    public LatencyHistogram Latency { get; } = new();

    public void Add(bool failed, double? milliseconds = null)
    {
        Interlocked.Increment(ref _requests);
        if (failed) Interlocked.Increment(ref _failures);
        if (milliseconds is { } ms) Latency.Add(ms);
    }
}
