using System.Collections.Concurrent;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace Canaria.Analysis.Webhooks;

/// <summary>
/// The shell side of webhooks: calls the gates the engine waits for (at most one call per gate at a time, again
/// every second while a gate holds) and reports their answers into the next observation; sends notifications
/// (every event to `event` hooks, aborts to `rollback` hooks) without ever holding the controller loop.
/// </summary>
internal sealed class WebhookRunner(HttpClient http, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _asked = new(StringComparer.Ordinal);

    /// <summary>Asks the gates not already in flight (or asked less than a second ago); each answer goes to report, from the call's task.</summary>
    public void RequestGates(WebhookTarget rollout, RolloutStatus? status, IReadOnlyList<GateCall> gates, Action<GateResult> report, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var gate in gates)
        {
            var key = $"{rollout.Key}/{gate.Key}";
            if (_asked.TryGetValue(key, out var at) && (at == DateTimeOffset.MaxValue || now - at < AskAgainAfter)) continue;
            if (rollout.Spec.Webhooks.FirstOrDefault(w => w.Name == gate.Webhook) is not { } hook) continue;
            _asked[key] = DateTimeOffset.MaxValue; // in flight
            _ = AskAsync(rollout, status, hook, gate, key, report, ct);
        }
    }

    public void Notify(WebhookTarget rollout, RolloutStatus status, IReadOnlyList<RolloutEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            foreach (var hook in rollout.Spec.Webhooks)
            {
                var send = hook.Type == WebhookType.Event || (hook.Type == WebhookType.Rollback && e.Reason == "Aborting");
                if (send) _ = NotifyAsync(rollout.Name, hook, Payload(rollout, status, hook, e.Reason, e.Message), ct);
            }
        }
    }

    private async Task AskAsync(WebhookTarget rollout, RolloutStatus? status, WebhookSpec hook, GateCall gate, string key, Action<GateResult> report, CancellationToken ct)
    {
        try
        {
            var payload = Payload(rollout, status, hook, "Gate", $"{StepPlan.Describe(rollout.Spec, gate.StepIndex)} waits for this gate") with { Step = gate.StepIndex };
            var answer = await WebhookCaller.CallAsync(http, hook, payload, retryServerErrors: false, ct).ConfigureAwait(false);
            var outcome = answer.Ok ? GateOutcome.Open : answer.Answered ? GateOutcome.Closed : GateOutcome.NoAnswer;
            var detail = outcome == GateOutcome.NoAnswer
                ? $"{answer.Detail}, {Durations.Format(hook.Timeout)} timeout × {hook.Retries + 1} attempts"
                : answer.Detail;
            report(new GateResult(hook.Name, gate.Key, outcome, detail, time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _asked[key] = time.GetUtcNow();
        }
    }

    private async Task NotifyAsync(string rollout, WebhookSpec hook, WebhookPayload payload, CancellationToken ct)
    {
        try
        {
            var answer = await WebhookCaller.CallAsync(http, hook, payload, retryServerErrors: true, ct).ConfigureAwait(false);
            if (!answer.Ok) WebhookLog.NotificationFailed(logger, rollout, hook.Name, answer.Attempts, answer.Detail);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static WebhookPayload Payload(WebhookTarget rollout, RolloutStatus? status, WebhookSpec hook, string reason, string message) => new()
    {
        Name = rollout.Name,
        Namespace = rollout.Namespace,
        Type = Enums.Camel(hook.Type),
        Phase = (status?.Phase ?? RolloutPhase.Progressing).ToString(),
        Revision = status?.CanaryRevision ?? status?.StableRevision,
        Step = status?.StepIndex ?? 0,
        Reason = reason,
        Message = message,
        Metadata = hook.Metadata,
    };
}
