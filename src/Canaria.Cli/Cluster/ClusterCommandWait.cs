using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>
/// After the command annotation is written: waits until the controller records the value in status.commandApplied
/// (retrying failed reads until the deadline), then reads its answer from the Rollout's events, matched by the value
/// the controller puts in front of the message ("VALUE: ..."). Once the command is applied, a failed events list never
/// makes it "refused": the CLI falls back to comparing the state the controller stored.
/// </summary>
internal static class ClusterCommandWait
{
    private static readonly TimeSpan EventGrace = TimeSpan.FromSeconds(10);

    /// <param name="timeout">The user's --timeout, as it is reported (the deadline already counts the write's own time).</param>
    public static async Task<ClusterOutcome> WaitAsync(ClusterSession session, string name, string value, JsonObject before, DateTimeOffset deadline, TimeSpan timeout, CancellationToken ct)
    {
        var what = $"Rollout {name}";
        JsonObject? applied = null;
        KubeStatus? lastError = null;
        while (applied is null)
        {
            var got = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
            if (got.IsSuccess)
            {
                lastError = null;
                var rollout = got.Value!;
                if ((string?)rollout["status"]?["commandApplied"] == value)
                {
                    applied = rollout;
                    break;
                }
                var annotation = RolloutObject.Of(rollout).Command;
                if (annotation != value)
                {
                    return ClusterOutcome.Failed(ExitCodes.Refused,
                        $"'{value}' on {what} was superseded by '{annotation}' (written by someone else before the controller applied it), so '{value}' was not applied");
                }
                if (ClusterCommandWrite.Unworkable(rollout, what) is { } reason)
                {
                    return ClusterOutcome.Failed(ExitCodes.Refused,
                        $"'{value}' written, not applied: {reason}; the annotation stays and is applied if the controller can apply it later");
                }
            }
            else if (!ClusterFailure.IsTransient(got.Error!))
            {
                var (message, code) = ClusterFailure.Describe(session, got.Error!, "get", "rollouts.canaria.dev", what);
                return ClusterOutcome.Failed(code, $"'{value}' written on {what}; outcome unknown: {message}");
            }
            else lastError = got.Error;
            if (session.Time.GetUtcNow() > deadline)
            {
                return ClusterOutcome.Failed(ExitCodes.Unreachable, lastError is null
                    ? $"'{value}' written on {what} in namespace {session.Namespace}, but the controller did not apply it within {timeout.TotalSeconds:0}s " +
                      "(is `canaria controller` running and watching this namespace?). The annotation stays and a controller applies it when it next sees the Rollout; " +
                      $"to cancel it: kubectl annotate rollout {name} {RolloutCommandAnnotation.Name}-"
                    : $"'{value}' written on {what}; outcome unknown: the Kubernetes API kept failing ({lastError}); " +
                      $"`{ClusterOptions.Command("status " + name)}` shows whether it was applied (do not re-run before checking)");
            }
            await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
        }
        return await AnswerAsync(session, name, value, before, applied, ct).ConfigureAwait(false);
    }

    /// <summary>The controller's answer to an applied command: its event, or (no readable event) the state it stored.</summary>
    private static async Task<ClusterOutcome> AnswerAsync(ClusterSession session, string name, string value, JsonObject before, JsonObject applied, CancellationToken ct)
    {
        var what = $"Rollout {name}";
        var operation = value[..value.LastIndexOf(' ')];
        var graceEnd = session.Time.GetUtcNow() + EventGrace;
        var eventsRead = false;
        while (true)
        {
            var options = new ListOptions { FieldSelector = $"involvedObject.kind=Rollout,involvedObject.name={name}" };
            var list = await session.Client.ListAllAsync(KubeResource.Events, session.Namespace, options, ct).ConfigureAwait(false);
            if (list.IsSuccess)
            {
                eventsRead = true;
                var ours = list.Value!.Items.Where(e => ((string?)e["message"])?.StartsWith(value + ":", StringComparison.Ordinal) == true).ToList();
                if (ours.FirstOrDefault(e => (string?)e["reason"] == "CommandRefused") is { } refused)
                {
                    return ClusterOutcome.Failed(ExitCodes.Refused, $"{what} refused '{operation}': {Answer(refused, value)}");
                }
                if (ours.FirstOrDefault() is { } done) return ClusterOutcome.Done($"{name}: {Answer(done, value)}");
            }
            if (session.Time.GetUtcNow() > graceEnd) break;
            await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
        }
        // No event of ours (events are best effort, or could not be read): judge by the state the controller stored.
        if (!JsonNode.DeepEquals(before["status"]?["canaria"], applied["status"]?["canaria"])) return ClusterOutcome.Done($"{name}: {operation} applied");
        return ClusterOutcome.Failed(ExitCodes.Refused, eventsRead
            ? $"{what}: the controller recorded '{value}' but its state did not change (refused; `kubectl describe rollout {name}` shows why)"
            : $"{what}: the controller recorded '{value}' and its state did not change; outcome unknown, its events could not be read " +
              $"(`kubectl describe rollout {name}` shows its answer; do not re-run before checking)");
    }

    private static string Answer(JsonObject e, string value) => ((string)e["message"]!)[(value.Length + 1)..].Trim();
}
