using System.Collections.Concurrent;
using System.Diagnostics;

namespace Canaria.Cli.Load;

/// <summary>
/// Real client traffic at a steady rate (for `canaria load` and the demo), counted by the version that answered, as
/// the response's version header names it (the gateway adds it; spec.service.versionHeader). Answers without one,
/// and requests that got no answer, are counted under <see cref="NoVersion"/>.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    public const string NoVersion = "(no version)";
    private const int MaxInFlight = 128;

    private readonly HttpClient _http;
    private readonly LoadRequest _request;
    private readonly int _rps;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private Task _run = Task.CompletedTask;

    public LoadGenerator(Uri target, int rps) : this(new LoadRequest(target), rps)
    {
    }

    public LoadGenerator(LoadRequest request, int rps)
    {
        _request = request;
        _rps = rps;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxInFlight,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
            AllowAutoRedirect = false,
        })
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
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var message = _request.Message();
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var version = response.Headers.TryGetValues(_request.VersionHeader, out var values) ? values.First() : NoVersion;
            Tallies.GetOrAdd(version, _ => new VersionTally()).Add((int)response.StatusCode >= 500, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            Tallies.GetOrAdd(NoVersion, _ => new VersionTally()).Add(true);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            Tallies.GetOrAdd(NoVersion, _ => new VersionTally()).Add(true); // the 5 s client timeout
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
        for (var i = 0; i < MaxInFlight; i++) await _inFlight.WaitAsync().ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
        _inFlight.Dispose();
    }
}
