using System.Threading.Channels;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Keys (namespace/name) waiting for a reconcile. A key is in the queue at most once however often it is added;
/// a key added while it is being reconciled is queued again, so the last change is never missed.
/// </summary>
internal sealed class WorkQueue(TimeProvider time)
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _queued.Count;
        }
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (_queued.Add(key)) _channel.Writer.TryWrite(key);
        }
    }

    /// <summary>Adds the key after a delay (time-based steps and polling); cancelled with the token.</summary>
    public void AddAfter(string key, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        _ = Task.Delay(delay, time, cancellationToken).ContinueWith(t =>
        {
            if (!t.IsCanceled) Add(key);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock) _queued.Remove(key);
        return key;
    }
}
