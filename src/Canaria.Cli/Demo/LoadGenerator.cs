using System.Collections.Concurrent;
using System.Diagnostics;

namespace Canaria.Cli.Demo;

/// <summary>Per-version tallies of what clients saw.</summary>
internal sealed class VersionTally
{
    private long _requests;
    private long _failures;

    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);

    public void Add(bool failed)
    {
        Interlocked.Increment(ref _requests);
        if (failed) Interlocked.Increment(ref _failures);
    }
}

/// <summary>
/// Real client traffic for the demo: a steady request rate through the gateway, counted by the version
/// that answered (from the gateway's version header). Answers without a version are the gateway's own failures.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    public const string NoVersion = "(gateway)";

    private readonly HttpClient _http;
    private readonly Uri _target;
    private readonly int _rps;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inFlight = new(128);
    private Task _run = Task.CompletedTask;

    public LoadGenerator(Uri target, int rps)
    {
        _target = target;
        _rps = rps;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    public ConcurrentDictionary<string, VersionTally> Tallies { get; } = new(StringComparer.Ordinal);

    public long Total => Tallies.Values.Sum(t => t.Requests);

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await tick.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var due = (long)(clock.Elapsed.TotalSeconds * _rps);
            for (; sent < due; sent++)
            {
                await _inFlight.WaitAsync(ct).ConfigureAwait(false);
                _ = SendOneAsync(ct);
            }
        }
    }

    private async Task SendOneAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(_target, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var version = response.Headers.TryGetValues("x-canaria-version", out var values) ? values.First() : NoVersion;
            Tallies.GetOrAdd(version, _ => new VersionTally()).Add((int)response.StatusCode >= 500);
        }
        catch (HttpRequestException)
        {
            Tallies.GetOrAdd(NoVersion, _ => new VersionTally()).Add(true);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            Tallies.GetOrAdd(NoVersion, _ => new VersionTally()).Add(true);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        for (var i = 0; i < 128; i++) await _inFlight.WaitAsync().ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
        _inFlight.Dispose();
    }
}
