using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>The Rollout as it was read just before the CLI's command was written on it; or why nothing was written.</summary>
internal sealed record CommandWriteResult(JsonObject? Before, ClusterOutcome? Failure);

/// <summary>
/// Writes <c>canaria.dev/command</c> on a Rollout without overwriting another operator's command: reads the Rollout,
/// refuses when the controller would not apply anything (being deleted, Invalid, Deployment missing), waits (until the
/// deadline) while a command written earlier is still pending, and writes with the resourceVersion it read, so a
/// concurrent writer makes the API server answer 409 and the checks run again on a fresh read.
/// </summary>
internal static class ClusterCommandWrite
{
    public static async Task<CommandWriteResult> WriteAsync(ClusterSession session, string name, string value, DateTimeOffset deadline, CancellationToken ct)
    {
        var what = $"Rollout {name}";
        KubeStatus? lastTransient = null;
        var patchUncertain = false;
        JsonObject? attempted = null; // the read the last write attempt was based on: the state "before" the command
        while (true)
        {
            if (session.Time.GetUtcNow() > deadline)
            {
                var cause = lastTransient is null ? "" : $" (last error: {lastTransient})";
                return new CommandWriteResult(null, ClusterOutcome.Failed(ExitCodes.Unreachable, patchUncertain
                    ? $"'{value}' on {what}: written or not, outcome unknown: the Kubernetes API kept failing{cause}; `{ClusterOptions.Command("status " + name)}` shows whether it was applied"
                    : $"could not write '{value}' on {what} in time{cause}; nothing was written"));
            }
            var got = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
            if (!got.IsSuccess)
            {
                if (!ClusterFailure.IsTransient(got.Error!)) return new CommandWriteResult(null, ClusterFailure.Outcome(session, got.Error!, "get", "rollouts.canaria.dev", what));
                lastTransient = got.Error;
                await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
                continue;
            }
            var rollout = got.Value!;
            var typed = RolloutObject.Of(rollout);
            var annotation = typed.Command;
            if (annotation == value && attempted is not null) return new CommandWriteResult(attempted, null); // the uncertain write did arrive
            if (Unworkable(rollout, what) is { } reason) return new CommandWriteResult(null, ClusterOutcome.Failed(ExitCodes.Refused, reason));
            if (annotation is { Length: > 0 } && annotation != (string?)rollout["status"]?["commandApplied"])
            {
                // Another command waits for the controller: overwriting it would lose it without a word.
                if (session.Time.GetUtcNow() + ClusterCommand.Poll > deadline)
                {
                    return new CommandWriteResult(null, ClusterOutcome.Failed(ExitCodes.Refused, $"{what} has a pending command '{annotation}' that the controller has not applied yet, so '{value}' was not written " +
                        "(is `canaria controller` running and watching this namespace? retry when it is applied, or remove it: " +
                        $"kubectl annotate rollout {name} {RolloutCommandAnnotation.Name}-)"));
                }
                await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
                continue;
            }
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = typed.ResourceVersion,
                    ["annotations"] = new JsonObject { [RolloutCommandAnnotation.Name] = value },
                },
            };
            attempted = rollout;
            var patched = await session.Client.PatchAsync(RolloutResource.Rollouts, session.Namespace, name, PatchType.Merge, patch, cancellationToken: ct).ConfigureAwait(false);
            if (patched.IsSuccess) return new CommandWriteResult(rollout, null);
            if (patched.Error!.IsConflict) continue; // someone else wrote the Rollout since the read: read again, check again
            if (!ClusterFailure.IsTransient(patched.Error)) return new CommandWriteResult(null, ClusterFailure.Outcome(session, patched.Error, "patch", "rollouts.canaria.dev", what));
            (lastTransient, patchUncertain) = (patched.Error, true); // the write may or may not have arrived: the next read tells
            await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Why the controller would apply no operation to this Rollout now (so writing one would apply it later, by surprise); null when it would.</summary>
    public static string? Unworkable(JsonObject rollout, string what)
    {
        if (RolloutObject.Of(rollout).Deleting) return $"{what} is being deleted; no operation applies to it";
        var status = rollout["status"];
        var message = (string?)status?["message"];
        if ((string?)status?["phase"] == "Invalid") return $"{what} is Invalid, so the controller applies no operation to it: {message}";
        if (message is { } m && m.StartsWith("Deployment ", StringComparison.Ordinal) && m.Contains(" not found", StringComparison.Ordinal))
            return $"{what}: {m}, so the controller applies no operation to it until the Deployment exists";
        return null;
    }
}
