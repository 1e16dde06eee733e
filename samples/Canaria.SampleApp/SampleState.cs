using System.Collections.Concurrent;

namespace Canaria.SampleApp;

/// <summary>Mutable run-time state shared by the endpoints: readiness, counters and the crash trigger.</summary>
internal sealed class SampleState
{
    private readonly ConcurrentDictionary<string, long> _servedByPath = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _crash = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _applicationRequests;
    private volatile bool _started;
    private volatile bool _unready;

    public SampleState(SampleOptions options) => Options = options;

    public SampleOptions Options { get; }

    /// <summary>Completes when the app should exit with code 3.</summary>
    public Task Crash => _crash.Task;

    public bool IsReady => _started && !_unready;

    public bool IsStarted => _started;

    public void MarkStarted() => _started = true;

    public void SetUnready(bool unready) => _unready = unready;

    public void TriggerCrash() => _crash.TrySetResult();

    public void CountServed(string path) => _servedByPath.AddOrUpdate(path, 1, static (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> Served() =>
        new SortedDictionary<string, long>(_servedByPath, StringComparer.Ordinal);

    /// <summary>Counts one application request; true when this request reaches the crash-after-requests limit.</summary>
    public bool CountApplicationRequest()
    {
        var n = Interlocked.Increment(ref _applicationRequests);
        return Options.CrashAfterRequests is { } limit && n >= limit;
    }
}
