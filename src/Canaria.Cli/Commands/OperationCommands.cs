using System.CommandLine;
using System.Globalization;
using Canaria.Cli.Cluster;

namespace Canaria.Cli.Commands;

/// <summary>promote, pause, resume, abort, retry, jump, undo, delete: one API call each (local), or one annotation (cluster).</summary>
internal static class OperationCommands
{
    public static IEnumerable<Command> Create()
    {
        var promote = Simple("promote", "Finish the current step now (skip its pause or analysis wait); --full skips every remaining step.");
        var full = new Option<bool>("--full") { Description = "Promote straight to 100% (canary scaled to full size first)" };
        promote.Options.Add(full);
        var promoteName = (Argument<string>)promote.Arguments[0];
        promote.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterCommand.RunAsync(r, r.GetValue(promoteName)!, r.GetValue(full) ? "promote-full" : "promote", ct)
            : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!,
                c => c.PostAsync($"rollouts/{Uri.EscapeDataString(r.GetValue(promoteName)!)}/promote?full={(r.GetValue(full) ? "true" : "false")}", ct)));
        yield return promote;

        foreach (var (verb, help) in new[]
        {
            ("pause", "Hold the rollout where it is: no step advances (analysis still aborts a bad canary)."),
            ("resume", "Continue after a pause; the paused time does not count against the progress deadline."),
            ("abort", "Send all traffic back to stable now, then scale the canary down."),
            ("retry", "Release an aborted revision again from step 1."),
        })
        {
            var command = Simple(verb, help);
            var name = (Argument<string>)command.Arguments[0];
            command.SetAction((r, ct) => ClusterOptions.Selected(r)
                ? ClusterCommand.RunAsync(r, r.GetValue(name)!, verb, ct)
                : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!, c => c.PostAsync($"rollouts/{Uri.EscapeDataString(r.GetValue(name)!)}/{verb}", ct)));
            yield return command;
        }

        var jump = Simple("jump", "Move the release to step N (1-based), forward or back; traffic shrinks before replicas do.");
        var jumpName = (Argument<string>)jump.Arguments[0];
        var step = new Argument<int>("step") { Description = "Step number, 1 = first step" };
        jump.Arguments.Add(step);
        jump.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterCommand.RunAsync(r, r.GetValue(jumpName)!, $"jump {r.GetValue(step).ToString(CultureInfo.InvariantCulture)}", ct)
            : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!,
                c => c.PostAsync($"rollouts/{Uri.EscapeDataString(r.GetValue(jumpName)!)}/jump?step={r.GetValue(step)}", ct)));
        yield return jump;

        var undo = Simple("undo", "Go back to an earlier revision's template (default, as `kubectl rollout undo`: what served before the current one, i.e. the stable revision " +
            "while a release is in progress or aborted, else the one before the stable). Reverting to the stable revision cancels a release in progress. " +
            "On a cluster, like `kubectl rollout undo`: revision N's ReplicaSet template is written into the Deployment, and the controller releases it.", operation: false);
        var undoName = (Argument<string>)undo.Arguments[0];
        var toRevision = new Option<int?>("--to-revision") { Description = "Revision number (see `canaria history`)" };
        undo.Options.Add(toRevision);
        undo.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterUndo.RunAsync(r, r.GetValue(undoName)!, r.GetValue(toRevision), ct)
            : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!,
                c => c.PostAsync($"rollouts/{Uri.EscapeDataString(r.GetValue(undoName)!)}/undo{(r.GetValue(toRevision) is { } n ? $"?toRevision={n}" : "")}", ct)));
        yield return undo;

        var delete = Simple("delete", "Delete the rollout: stop its replicas, close its listener, forget its history. On a cluster: delete the Rollout; its Deployment is un-paused and handed back.");
        var deleteName = (Argument<string>)delete.Arguments[0];
        delete.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterDelete.RunAsync(r, r.GetValue(deleteName)!, ct)
            : ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!, c => c.DeleteAsync($"rollouts/{Uri.EscapeDataString(r.GetValue(deleteName)!)}", ct)));
        yield return delete;

        var restartGateway = new Command("restart-gateway",
            "Replace the local controller's gateway process by a new one (e.g. after upgrading canaria). The new process takes the " +
            "listening sockets, the old one finishes its requests in flight and exits: no request is refused or dropped. Local platform only.");
        restartGateway.SetAction((r, ct) => ApiCall.RunAsync(r.GetValue(CommonOptions.StateDir)!, c => c.PostAsync("gateway/restart", ct)));
        yield return restartGateway;
    }

    private static Command Simple(string verb, string description, bool operation = true)
    {
        var command = new Command(verb, description);
        command.Arguments.Add(CommonOptions.RolloutName());
        ClusterOptions.AddTo(command, operation);
        return command;
    }
}
