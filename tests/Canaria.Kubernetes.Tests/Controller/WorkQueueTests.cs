using Canaria.Kubernetes.Controller;

namespace Canaria.Kubernetes.Tests.Controller;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Add_SameKeyTwiceBeforeTake_QueuedOnce()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("ns/a", await queue.TakeAsync(CancellationToken.None));
        queue.Add("ns/a"); // added again while being reconciled: queued again once that reconcile is done
        Assert.Equal("ns/b", await queue.TakeAsync(CancellationToken.None));
        queue.Done("ns/a");
        Assert.Equal("ns/a", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Add_KeyBeingReconciled_NotHandedToASecondWorkerUntilDone()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Add("ns/a");
        Assert.Equal("ns/a", await queue.TakeAsync(CancellationToken.None));
        queue.Add("ns/a");
        queue.Add("ns/a");

        var second = queue.TakeAsync(CancellationToken.None).AsTask();
        await Task.Delay(100); // a second worker waiting: it must not get ns/a while the first still reconciles it
        Assert.False(second.IsCompleted);
        queue.Done("ns/a");
        Assert.Equal("ns/a", await second.WaitAsync(TimeSpan.FromSeconds(10)));
        queue.Done("ns/a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AddAfter_ManyInABurst_OneTimerAndOneAdd()
    {
        var queue = new WorkQueue(TimeProvider.System);
        for (var i = 0; i < 50; i++) queue.AddAfter("ns/a", TimeSpan.FromMilliseconds(100 + i), CancellationToken.None);

        Assert.Equal(1, queue.Scheduled);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("ns/a", await queue.TakeAsync(cts.Token));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Scheduled);
    }

    [Fact]
    public async Task AddAfter_EarlierDelayReplacesLater_FiresAtTheEarlier()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.AddAfter("ns/a", TimeSpan.FromMinutes(10), CancellationToken.None);
        queue.AddAfter("ns/a", TimeSpan.FromMilliseconds(50), CancellationToken.None);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("ns/a", await queue.TakeAsync(cts.Token));
    }
}
