using System.Threading.Channels;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Keys (namespace/name) waiting for a reconcile, taken by several workers. A key is in the queue at most once however
/// often it is added, and is reconciled by one worker at a time: a key added while it is being reconciled is queued again
/// when that reconcile is <see cref="Done"/>, so the last change is never missed and never raced.
/// </summary>
internal sealed class WorkQueue(TimeProvider time)
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);
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
            if (_active.Contains(key)) _dirty.Add(key);
            else if (_queued.Add(key)) _channel.Writer.TryWrite(key);
        }
    }

    /// <summary>Delayed adds waiting for their time (at most one per key: the earliest).</summary>
    public int Scheduled
    {
        get
        {
            lock (_lock) return _due.Count;
        }
    }

    /// <summary>
    /// Adds the key after a delay (time-based steps and polling); cancelled with the token. A key keeps only its
    /// earliest pending delayed add, so many reconciles in a burst do not multiply into many timers.
    /// </summary>
    public void AddAfter(string key, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        var due = time.GetUtcNow() + delay;
        lock (_lock)
        {
            if (_due.TryGetValue(key, out var pending) && pending <= due) return;
            _due[key] = due;
        }
        _ = Task.Delay(delay, time, cancellationToken).ContinueWith(t =>
        {
            lock (_lock)
            {
                if (!_due.TryGetValue(key, out var current) || current != due) return; // an earlier add replaced this one
                _due.Remove(key);
            }
            if (!t.IsCanceled) Add(key);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The next key; the caller owns it until it calls <see cref="Done"/>.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _queued.Remove(key);
            _active.Add(key);
        }
        return key;
    }

    /// <summary>The reconcile of <paramref name="key"/> ended; if it was added meanwhile it is queued again now.</summary>
    public void Done(string key)
    {
        lock (_lock)
        {
            _active.Remove(key);
            if (_dirty.Remove(key) && _queued.Add(key)) _channel.Writer.TryWrite(key);
        }
    }
}
