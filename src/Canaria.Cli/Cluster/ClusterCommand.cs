using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Spectre.Console;

namespace Canaria.Cli.Cluster;

/// <summary>
/// An operation on a cluster: writes <c>canaria.dev/command="OP NONCE"</c> on the Rollout (merge patch), waits until the
/// controller records that value in status.commandApplied, then reads the controller's answer from the Rollout's
/// events: the operation's own event (applied) or a Warning CommandRefused carrying the value (refused, exit 1).
/// </summary>
internal static class ClusterCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan EventGrace = TimeSpan.FromSeconds(10);

    /// <summary>The event reason the controller writes when it applies each operation.</summary>
    private static readonly Dictionary<string, string> AppliedReasons = new(StringComparer.Ordinal)
    {
        ["promote"] = "PromoteRequested",
        ["promote-full"] = "FullPromotionRequested",
        ["pause"] = "Paused",
        ["resume"] = "Resumed",
        ["abort"] = "AbortRequested",
        ["retry"] = "Retry",
        ["jump"] = "Jumped",
    };

    /// <param name="operation">The annotation's operation with its arguments, e.g. "promote" or "jump 2".</param>
    public static async Task<int> RunAsync(ParseResult r, string name, string operation, CancellationToken ct)
    {
        if (ClusterOptions.ParseDuration(r.GetValue(ClusterOptions.Timeout) ?? "") is not { } timeout)
        {
            Output.Error($"--timeout {r.GetValue(ClusterOptions.Timeout)}: not a duration (e.g. 30s, 2m)");
            return ExitCodes.Invalid;
        }
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        var what = $"Rollout {name}";
        var before = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
        if (!before.IsSuccess) return ClusterFailure.Report(session, before.Error!, "get", "rollouts.canaria.dev", what);
        if ((string?)before.Value!["status"]?["phase"] == "Invalid")
        {
            // The controller applies no operation to an invalid spec; writing the annotation now would apply it later, by surprise.
            Output.Error($"{what} is Invalid, so the controller applies no operation to it: {(string?)before.Value["status"]?["message"]}");
            return ExitCodes.Refused;
        }
        var seen = await EventsAsync(session, name, ct).ConfigureAwait(false);
        if (seen is null) return ExitCodes.Refused;
        var seenNames = seen.Select(e => (string?)e["metadata"]?["name"]).ToHashSet(StringComparer.Ordinal);

        var value = $"{operation} {session.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RolloutCommandAnnotation.Name] = value } } };
        var patched = await session.Client.PatchAsync(RolloutResource.Rollouts, session.Namespace, name, PatchType.Merge, patch, cancellationToken: ct).ConfigureAwait(false);
        if (!patched.IsSuccess) return ClusterFailure.Report(session, patched.Error!, "patch", "rollouts.canaria.dev", what);

        var deadline = session.Time.GetUtcNow() + timeout;
        JsonObject? applied = null;
        while (applied is null)
        {
            var got = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
            if (!got.IsSuccess) return ClusterFailure.Report(session, got.Error!, "get", "rollouts.canaria.dev", what);
            if ((string?)got.Value!["status"]?["commandApplied"] == value) applied = got.Value;
            else if (session.Time.GetUtcNow() > deadline)
            {
                Output.Error($"the controller did not apply '{value}' to {what} in namespace {session.Namespace} within {timeout.TotalSeconds:0}s " +
                    "(is `canaria controller` running and watching this namespace?); the annotation stays and is applied when a controller sees it");
                return ExitCodes.Unreachable;
            }
            else await Task.Delay(Poll, session.Time, ct).ConfigureAwait(false);
        }

        var verb = operation.Split(' ')[0];
        var graceEnd = session.Time.GetUtcNow() + EventGrace;
        while (true)
        {
            var events = await EventsAsync(session, name, ct).ConfigureAwait(false);
            if (events is null) return ExitCodes.Refused;
            var fresh = events.Where(e => !seenNames.Contains((string?)e["metadata"]?["name"])).ToList();
            if (fresh.FirstOrDefault(e => (string?)e["reason"] == "CommandRefused" && ((string?)e["message"])?.StartsWith(value + ":", StringComparison.Ordinal) == true) is { } refused)
            {
                Output.Error($"{what} refused '{operation}': {((string)refused["message"]!)[(value.Length + 1)..].Trim()}");
                return ExitCodes.Refused;
            }
            if (AppliedReasons.TryGetValue(verb, out var reason) && fresh.FirstOrDefault(e => (string?)e["reason"] == reason) is { } done)
            {
                AnsiConsole.MarkupLine($"[green]{Markup.Escape($"{name}: {(string?)done["message"]}")}[/]");
                return ExitCodes.Ok;
            }
            if (session.Time.GetUtcNow() > graceEnd) break;
            await Task.Delay(Poll, session.Time, ct).ConfigureAwait(false);
        }
        // No event arrived (events are best effort): judge by the state the controller stored.
        if (JsonNode.DeepEquals(before.Value!["status"]?["canaria"], applied["status"]?["canaria"]))
        {
            Output.Error($"{what}: the controller recorded '{value}' but its state did not change (refused; `kubectl describe rollout {name}` shows why)");
            return ExitCodes.Refused;
        }
        AnsiConsole.MarkupLine($"[green]{Markup.Escape($"{name}: {operation} applied")}[/]");
        return ExitCodes.Ok;
    }

    private static async Task<IReadOnlyList<JsonObject>?> EventsAsync(ClusterSession session, string name, CancellationToken ct)
    {
        var options = new ListOptions { FieldSelector = $"involvedObject.kind=Rollout,involvedObject.name={name}" };
        var list = await session.Client.ListAllAsync(KubeResource.Events, session.Namespace, options, ct).ConfigureAwait(false);
        if (list.IsSuccess) return list.Value!.Items;
        ClusterFailure.Report(session, list.Error!, "list", "events", $"events of Rollout {name}");
        return null;
    }
}
