using System.Collections.Concurrent;
using System.Diagnostics;

namespace Canaria.Local.Tests.Support;

/// <summary>One answer seen by the load generator: which version served it, its status, when it completed (Stopwatch ticks).</summary>
internal sealed record Answer(string Version, int Status, long CompletedAt);

/// <summary>Paced requests through the gateway from a few workers (about <c>workers × 1000 / pauseMs</c> per second at most).</summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;

    public LoadGenerator(Uri target, int workers, int pauseMs)
    {
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(target, pauseMs, _stop.Token))).ToArray();
    }

    public ConcurrentQueue<Answer> Answers { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }

    private async Task RunAsync(Uri target, int pauseMs, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await Http.Client.GetAsync(target, ct);
                var version = response.Headers.TryGetValues("x-canaria-version", out var v) ? v.First() : "?";
                Answers.Enqueue(new Answer(version, (int)response.StatusCode, Stopwatch.GetTimestamp()));
                await Task.Delay(pauseMs, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // A refused connection, or no answer within the client's timeout: a failed answer the test reports with
                // the others, not a worker that ends and leaves only an unexplained cancellation.
                Answers.Enqueue(new Answer(e is HttpRequestException ? "(error)" : "(timeout)", 0, Stopwatch.GetTimestamp()));
            }
        }
    }
}
