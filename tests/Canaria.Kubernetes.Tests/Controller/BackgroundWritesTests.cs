using System.Collections.Concurrent;
using Canaria.Kubernetes.Controller;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>The queue that keeps Event writes off the reconcile path: it never waits, drops with a count when full, drains on stop.</summary>
public sealed class BackgroundWritesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TryQueue_QueueFull_DropsAtOnceAndCounts()
    {
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new ConcurrentQueue<int>();
        await using var writes = new BackgroundWrites(capacity: 2, writers: 1, Wait, TimeProvider.System, NullLogger.Instance);
        Assert.True(writes.TryQueue("first", async _ =>
        {
            writing.TrySetResult();
            await release.Task;
            sent.Enqueue(1);
        }));
        await writing.Task.WaitAsync(Wait); // the one writer holds the first write; the queue is empty again

        Assert.True(writes.TryQueue("second", _ => { sent.Enqueue(2); return Task.CompletedTask; }));
        Assert.True(writes.TryQueue("third", _ => { sent.Enqueue(3); return Task.CompletedTask; }));
        Assert.False(writes.TryQueue("fourth", _ => { sent.Enqueue(4); return Task.CompletedTask; }));
        Assert.Equal(1, writes.Dropped);
        Assert.Equal(2, writes.Pending);

        release.SetResult();
        await WaitUntilAsync(() => sent.Count == 3);
        Assert.Equal([1, 2, 3], sent.ToArray());
    }

    [Fact]
    public async Task TryQueue_WriteThrows_LaterWritesStillSent()
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writes = new BackgroundWrites(capacity: 10, writers: 1, Wait, TimeProvider.System, NullLogger.Instance);
        writes.TryQueue("broken", _ => throw new InvalidOperationException("the API server said no"));
        writes.TryQueue("next", _ => { sent.TrySetResult(); return Task.CompletedTask; });

        await sent.Task.WaitAsync(Wait);
        Assert.Equal(0, writes.Dropped);
    }

    [Fact]
    public async Task DisposeAsync_WritesQueued_SendsThemBeforeItReturns()
    {
        var sent = 0;
        var writes = new BackgroundWrites(capacity: 100, writers: 2, Wait, TimeProvider.System, NullLogger.Instance);
        for (var i = 0; i < 50; i++)
            writes.TryQueue($"write {i}", async _ => { await Task.Yield(); Interlocked.Increment(ref sent); });

        await writes.DisposeAsync();

        Assert.Equal(50, Volatile.Read(ref sent));
        Assert.False(writes.TryQueue("after stop", _ => Task.CompletedTask)); // a stopped queue refuses, and counts it
        Assert.Equal(1, writes.Dropped);
    }

    [Fact]
    public async Task DisposeAsync_WriteHangs_CancelsItAfterTheDrainTimeout()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = new BackgroundWrites(capacity: 10, writers: 1, TimeSpan.FromMilliseconds(200), TimeProvider.System, NullLogger.Instance);
        writes.TryQueue("hangs", async ct =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        });

        await started.Task.WaitAsync(Wait); // on a busy machine the writer may not have taken it before the drain timeout ends
        await writes.DisposeAsync().AsTask().WaitAsync(Wait); // returns: a hanging write never keeps the controller from stopping
        Assert.True(cancelled.Task.IsCompleted);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition()) await Task.Delay(10, timeout.Token);
    }
}
