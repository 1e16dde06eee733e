using System.Collections.Concurrent;
using System.Text.Json;
using Canaria.Analysis.Webhooks;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Local.Tests.Analysis;

/// <summary>Webhook gates and notifications against real Kestrel servers.</summary>
public sealed class WebhookRunnerTests
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    private static readonly RolloutStatus Status = new() { CanaryRevision = 2, StableRevision = 1, StepIndex = 1 };

    private static WebhookTarget Rollout(params WebhookSpec[] hooks) => new("shop", null, new RolloutSpec { Webhooks = hooks });

    private static async Task<GateResult> AnswerTo(WebhookSpec hook)
    {
        var answers = new ConcurrentQueue<GateResult>();
        new WebhookRunner(Client, TimeProvider.System, NullLogger.Instance)
            .RequestGates(Rollout(hook), Status, [new GateCall(hook.Name, "2/1/PreTrafficIncrease/" + hook.Name, 1)], answers.Enqueue, CancellationToken.None);
        return await Poll.UntilAsync(() => answers.TryPeek(out var r) ? r : null, r => r is not null, "the gate's answer", TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException();
    }

    [Theory]
    [InlineData(200, "Open")]
    [InlineData(204, "Open")]
    [InlineData(403, "Closed")]
    [InlineData(500, "Closed")]
    public async Task RequestGates_Answer_OpensOnlyOn2xx(int status, string outcome)
    {
        var bodies = new ConcurrentQueue<string>();
        await using var server = await TestHttpServer.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync());
            ctx.Response.StatusCode = status;
        });
        var hook = new WebhookSpec { Name = "load-test", Type = WebhookType.PreTrafficIncrease, Url = server.Url("/gate"), Metadata = new Dictionary<string, string> { ["team"] = "shop" } };

        var result = await AnswerTo(hook);

        Assert.Equal(Enum.Parse<GateOutcome>(outcome), result.Outcome);
        Assert.Equal($"HTTP {status}", result.Detail);
        using var payload = JsonDocument.Parse(Assert.Single(bodies));
        Assert.Equal("shop", payload.RootElement.GetProperty("name").GetString());
        Assert.Equal("preTrafficIncrease", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal(1, payload.RootElement.GetProperty("step").GetInt32());
        Assert.Equal("shop", payload.RootElement.GetProperty("metadata").GetProperty("team").GetString());
    }

    [Fact]
    public async Task RequestGates_NeverAnswers_NoAnswerAfterTimeoutTimesAttempts()
    {
        var attempts = 0;
        await using var silent = await TestHttpServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        var hook = new WebhookSpec { Name = "slow", Type = WebhookType.PreTrafficIncrease, Url = silent.Url("/"), Timeout = TimeSpan.FromMilliseconds(200), Retries = 2 };
        var started = DateTime.UtcNow;

        var result = await AnswerTo(hook);

        Assert.Equal(GateOutcome.NoAnswer, result.Outcome);
        Assert.Equal(3, attempts);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(600));
        Assert.Contains("no answer within 200ms after 3 attempt(s)", result.Detail);
    }

    [Fact]
    public async Task Notify_AbortEvent_GoesToEventAndRollbackHooks()
    {
        var seen = new ConcurrentQueue<(string Path, string Body)>();
        await using var server = await TestHttpServer.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            seen.Enqueue((ctx.Request.Path.Value!, await reader.ReadToEndAsync()));
        });
        var rollout = Rollout(
            new WebhookSpec { Name = "all", Type = WebhookType.Event, Url = server.Url("/events") },
            new WebhookSpec { Name = "rb", Type = WebhookType.Rollback, Url = server.Url("/rollback") });
        var runner = new WebhookRunner(Client, TimeProvider.System, NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;

        runner.Notify(rollout, Status, [new RolloutEvent(now, EventType.Normal, "TrafficShifted", "10%"), new RolloutEvent(now, EventType.Warning, "Aborting", "check 'errors' failed")], CancellationToken.None);

        await Poll.UntilAsync(() => seen.Count >= 3, "three notifications");
        Assert.Equal(["/events", "/events", "/rollback"], seen.Select(s => s.Path).Order(StringComparer.Ordinal));
        var rollback = JsonSerializer.Deserialize<WebhookPayload>(seen.Single(s => s.Path == "/rollback").Body, CoreJson.Options)!;
        Assert.Equal(("rollback", "Aborting", "check 'errors' failed", 2), (rollback.Type, rollback.Reason, rollback.Message, rollback.Revision));
    }
}
