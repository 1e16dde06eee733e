using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>One answer as the client saw it: which version the gateway named, which version the app itself said, status.</summary>
internal sealed record Answer(TimeSpan SentAt, string GatewayVersion, string? AppHeaderVersion, string? AppBodyVersion, int Status, string? Error)
{
    public bool Failed => Error is not null || Status >= 500;
}

/// <summary>Small client for the gateway: bursts of requests counted by version, and a steady background load.</summary>
internal sealed class TrafficProbe : IAsyncDisposable
{
    public const string NoVersion = "(none)";

    private readonly HttpClient _http;
    private readonly Uri _target;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Answer> _load = new();
    private CancellationTokenSource? _stopLoad;
    private Task _loadTask = Task.CompletedTask;

    public TrafficProbe(Uri target)
    {
        _target = target;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = TimeSpan.FromSeconds(10) };
    }

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Sends one GET / (with an optional Cookie header) and records what came back; never throws for HTTP failures.</summary>
    public async Task<Answer> SendAsync(string? cookie = null, CancellationToken ct = default)
    {
        var sentAt = _clock.Elapsed;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _target);
            if (cookie is not null) request.Headers.TryAddWithoutValidation("Cookie", cookie);
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var gateway = response.Headers.TryGetValues("x-canaria-version", out var g) ? g.First() : NoVersion;
            var appHeader = response.Headers.TryGetValues("X-Sample-Version", out var a) ? a.First() : null;
            string? appBody = null;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                try
                {
                    using var json = JsonDocument.Parse(body);
                    appBody = json.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
                }
                catch (JsonException)
                {
                }
            }
            return new Answer(sentAt, gateway, appHeader, appBody, (int)response.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return new Answer(sentAt, NoVersion, null, null, 0, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            return new Answer(sentAt, NoVersion, null, null, 0, "timeout: " + e.Message);
        }
    }

    /// <summary>Sends <paramref name="count"/> requests, <paramref name="parallel"/> at a time.</summary>
    public async Task<IReadOnlyList<Answer>> BurstAsync(int count, int parallel = 8, string? cookie = null)
    {
        var answers = new ConcurrentBag<Answer>();
        var next = -1;
        var workers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count) answers.Add(await SendAsync(cookie));
        });
        await Task.WhenAll(workers);
        return answers.ToList();
    }

    /// <summary>Starts a steady open-loop load of <paramref name="rps"/> requests per second in the background.</summary>
    public void StartLoad(int rps)
    {
        Assert.Null(_stopLoad);
        _stopLoad = new CancellationTokenSource();
        var ct = _stopLoad.Token;
        _loadTask = Task.Run(async () =>
        {
            var inFlight = new List<Task>();
            var started = Stopwatch.StartNew();
            long sent = 0;
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await tick.WaitForNextTickAsync(ct))
                {
                    var due = (long)(started.Elapsed.TotalSeconds * rps);
                    for (; sent < due; sent++) inFlight.Add(SendAndRecordAsync());
                    inFlight.RemoveAll(t => t.IsCompleted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            await Task.WhenAll(inFlight); // let every request already sent finish: it counts
        }, CancellationToken.None);
    }

    private async Task SendAndRecordAsync() => _load.Enqueue(await SendAsync());

    /// <summary>Stops the load and returns every answer it got (requests in flight are awaited, not dropped).</summary>
    public async Task<IReadOnlyList<Answer>> StopLoadAsync()
    {
        if (_stopLoad is null) return [];
        await _stopLoad.CancelAsync();
        await _loadTask;
        _stopLoad.Dispose();
        _stopLoad = null;
        return _load.ToArray();
    }

    public IReadOnlyList<Answer> LoadSoFar => _load.ToArray();

    public async ValueTask DisposeAsync()
    {
        await StopLoadAsync();
        _http.Dispose();
    }

    /// <summary>Share of answers (0..1) the given version served, by the gateway's header.</summary>
    public static double Share(IReadOnlyCollection<Answer> answers, string version) =>
        answers.Count == 0 ? 0 : answers.Count(a => a.GatewayVersion == version) / (double)answers.Count;

    public static string Summary(IEnumerable<Answer> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.GatewayVersion, a.Status, a.Error)).OrderBy(g => g.Key.GatewayVersion, StringComparer.Ordinal)
            .Select(g => $"{g.Key.GatewayVersion}/{g.Key.Status}{(g.Key.Error is null ? "" : " " + g.Key.Error)}: {g.Count()}"));

    /// <summary>Fails when any answer failed (5xx, connection error, timeout).</summary>
    public static void AssertNoFailures(IReadOnlyCollection<Answer> answers, string when)
    {
        Assert.NotEmpty(answers);
        var failed = answers.Where(a => a.Failed).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {answers.Count} requests failed {when}: {Summary(failed)}");
    }
}
