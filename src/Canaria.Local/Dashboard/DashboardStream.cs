using System.Text;
using System.Text.Json;
using Canaria.Core.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Canaria.Local.Dashboard;

/// <summary>
/// Live updates as server-sent events: every half second, what changed since the last message: the rollout list
/// (<c>rollouts</c>), what the source cannot read (<c>problem</c>, message null when nothing), the opened rollout (<c>rollout</c>, or <c>missing</c>), its decisions and revisions
/// (<c>history</c>), its new chart points (<c>series</c>, only points newer than the last sent) and where they come from or
/// why there are none (<c>signals</c>). The stream ends when
/// the session does (<c>expired</c>). At most <see cref="MaxStreams"/> streams at once; more are answered 429.
/// </summary>
internal static class DashboardStream
{
    public const int MaxStreams = 16;
    private const int HistoryLimit = 200;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly SemaphoreSlim Slots = new(MaxStreams);

    public static async Task<IResult> RunAsync(HttpContext context, IDashboardSource source, DashboardSessions sessions, string? rollout, TimeProvider time)
    {
        if (!await Slots.WaitAsync(0, context.RequestAborted).ConfigureAwait(false))
            return Results.Json(new { ok = false, message = $"too many live dashboard streams (at most {MaxStreams}); close another tab" }, statusCode: 429);
        // Ends with the request or when the controller stops (Kestrel would otherwise wait for open streams before stopping).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted,
            context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        try
        {
            var ct = stop.Token;
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.WriteAsync(": canaria dashboard\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);

            var sent = new Dictionary<string, string>(StringComparer.Ordinal);
            var sessionId = context.Request.Cookies[DashboardAuth.CookieName(context)];
            long seq = 0;
            var lastWrite = time.GetUtcNow();
            using var timer = new PeriodicTimer(Period, time);
            do
            {
                if (sessions.Find(sessionId) is null)
                {
                    await SendAsync(response, "expired", "{}", ct).ConfigureAwait(false);
                    break;
                }
                var wrote = await SendIfChangedAsync(response, sent, "rollouts", await source.ListAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                wrote |= await SendIfChangedAsync(response, sent, "problem", new { message = source.Problem }, ct).ConfigureAwait(false);
                if (rollout is not null)
                {
                    var detail = await source.GetAsync(rollout, ct).ConfigureAwait(false);
                    if (detail is null)
                    {
                        sent.Remove("rollout");
                        wrote |= await SendIfChangedAsync(response, sent, "missing", new { name = rollout }, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        sent.Remove("missing");
                        wrote |= await SendIfChangedAsync(response, sent, "rollout", detail, ct).ConfigureAwait(false);
                        wrote |= await SendIfChangedAsync(response, sent, "history", new
                        {
                            events = await source.HistoryAsync(rollout, HistoryLimit, ct).ConfigureAwait(false),
                            revisions = await source.RevisionsAsync(rollout, ct).ConfigureAwait(false),
                        }, ct).ConfigureAwait(false);
                        wrote |= await SendIfChangedAsync(response, sent, "signals", source.SignalsNote(rollout) ?? DashboardNote.None, ct).ConfigureAwait(false);
                        var slice = source.Series(rollout, seq);
                        if (slice.Signals.Count > 0 || slice.Llr.Count > 0)
                        {
                            await SendAsync(response, "series", JsonSerializer.Serialize(slice, CoreJson.Options), ct).ConfigureAwait(false);
                            wrote = true;
                        }
                        seq = slice.Seq;
                    }
                }
                var now = time.GetUtcNow();
                if (wrote) lastWrite = now;
                else if (now - lastWrite >= KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    lastWrite = now;
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Slots.Release();
        }
        return Results.Empty;
    }

    private static async ValueTask<bool> SendIfChangedAsync(HttpResponse response, Dictionary<string, string> sent, string type, object value, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(value, CoreJson.Options);
        if (sent.TryGetValue(type, out var last) && last == json) return false;
        sent[type] = json;
        await SendAsync(response, type, json, ct).ConfigureAwait(false);
        return true;
    }

    private static async ValueTask SendAsync(HttpResponse response, string type, string json, CancellationToken ct)
    {
        var message = new StringBuilder().Append("event: ").Append(type).Append("\ndata: ").Append(json).Append("\n\n").ToString();
        await response.WriteAsync(message, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }
}
