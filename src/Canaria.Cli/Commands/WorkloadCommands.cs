using System.CommandLine;
using Canaria.Cli.Cluster;
using Canaria.Cli.Rendering;

namespace Canaria.Cli.Commands;

/// <summary>`set image` and `restart`: what `kubectl argo rollouts` users reach for, on the Rollout's Deployment (cluster mode only).</summary>
internal static class WorkloadCommands
{
    public static IEnumerable<Command> Create()
    {
        var set = new Command("set", "Change the Rollout's workload (cluster mode): `set image`.");
        var image = new Command("image", "Set the image of one container (or init container) of the Rollout's Deployment, as `kubectl argo rollouts set image`: " +
            "a new pod template, which the controller releases through the Rollout's steps. An unknown container is refused, naming the ones there are.");
        var imageName = CommonOptions.RolloutName();
        var assignment = new Argument<string>("container=image") { Description = "e.g. app=registry.example/app:v2" };
        image.Arguments.Add(imageName);
        image.Arguments.Add(assignment);
        ClusterOptions.AddTo(image);
        image.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterSetImage.RunAsync(r, r.GetValue(imageName)!, r.GetValue(assignment)!, ct)
            : Task.FromResult(LocalOnly("set image", "change the version in the spec's template and `canaria apply` it")));
        set.Subcommands.Add(image);
        yield return set;

        var restart = new Command("restart", "New pods for the running revisions without a new release (cluster mode), as `kubectl argo rollouts restart`: " +
            "pods are deleted one at a time, oldest revision first, each only after the previous one's replacement is ready; the template and the " +
            "revisions stay. A revision with one pod is refused unless --allow-unavailable (it would have no ready pod for a moment). " +
            "--timeout bounds the wait for each replacement.");
        var restartName = CommonOptions.RolloutName();
        var allowUnavailable = new Option<bool>("--allow-unavailable") { Description = "Also restart a revision that has a single pod (no ready pod until its replacement is)" };
        restart.Arguments.Add(restartName);
        restart.Options.Add(allowUnavailable);
        ClusterOptions.AddTo(restart, operation: true);
        restart.SetAction((r, ct) => ClusterOptions.Selected(r)
            ? ClusterRestart.RunAsync(r, r.GetValue(restartName)!, r.GetValue(allowUnavailable), ct)
            : Task.FromResult(LocalOnly("restart", "`canaria delete` and `canaria apply` the rollout, or apply a new revision")));
        yield return restart;
    }

    private static int LocalOnly(string verb, string instead)
    {
        Output.Error($"{verb} works on a Kubernetes cluster (`kubectl canaria {verb} ...`, or --kubeconfig/--context/-n); locally, {instead}");
        return ExitCodes.Invalid;
    }
}
