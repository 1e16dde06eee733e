using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// API writes that must never hold up a reconcile (the Rollouts' Events): queued, and sent by a few writers in the
/// background. The queue is bounded: when it is full (an API server that answers slowly, a storm of releases) a write is
/// dropped and counted, never waited for. Writers send in parallel, so two writes for one Rollout may reach the server out
/// of order; Events carry their own timestamps, and <c>kubectl describe</c> orders them by those.
/// </summary>
internal sealed class BackgroundWrites : IAsyncDisposable
{
    private readonly Channel<Func<CancellationToken, Task>> _queue;
    private readonly ILogger _logger;
    private readonly TimeSpan _drainTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writers;
    private int _dropped;

    /// <param name="capacity">Writes waiting at most; one more is dropped.</param>
    /// <param name="writers">Writes sent at once.</param>
    /// <param name="drainTimeout">How long disposing waits for the queued writes to be sent before it abandons them.</param>
    public BackgroundWrites(int capacity, int writers, TimeSpan drainTimeout, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(writers);
        _queue = Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses at once (DropWrite would hide the drop)
            SingleReader = writers == 1,
        });
        _logger = logger;
        _drainTimeout = drainTimeout;
        _time = time;
        _writers = Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() => WriteAsync(_stop.Token))));
    }

    /// <summary>Writes dropped because the queue was full (or closed) since the start.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Writes waiting to be sent.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues a write; returns at once. False (and counted) when the queue is full: the write is dropped.</summary>
    /// <param name="what">Names the write in the log line of a drop.</param>
    public bool TryQueue(string what, Func<CancellationToken, Task> write)
    {
        if (_queue.Writer.TryWrite(write)) return true;
        ControllerLog.WriteDropped(_logger, what, Interlocked.Increment(ref _dropped));
        return false;
    }

    /// <summary>Sends what is queued (for at most the drain timeout), then stops the writers.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writers.WaitAsync(_drainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _writers.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var write in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await write(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    ControllerLog.WriteFailed(_logger, e); // one failed write never stops the others
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
