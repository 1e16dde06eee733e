using System.CommandLine;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>
/// `set image ROLLOUT CONTAINER=IMAGE` on a cluster, as `kubectl argo rollouts set image`: the image of one container
/// (or init container) of the Rollout's Deployment is changed, which is a new pod template, which the controller
/// releases through the Rollout's steps. An unknown container is refused naming the ones there are; nothing is written.
/// </summary>
internal static class ClusterSetImage
{
    private static readonly string[] ContainerLists = ["containers", "initContainers"];

    public static async Task<int> RunAsync(ParseResult r, string name, string assignment, CancellationToken ct)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == assignment.Length - 1)
            return ClusterOutcome.Failed(ExitCodes.Invalid, $"'{assignment}': expected CONTAINER=IMAGE, e.g. app=registry/app:v2").Print();
        var (container, image) = (assignment[..eq], assignment[(eq + 1)..]);
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        return (await SetAsync(session, name, container, image, ct).ConfigureAwait(false)).Print();
    }

    private static async Task<ClusterOutcome> SetAsync(ClusterSession session, string name, string container, string image, CancellationToken ct)
    {
        var rollout = await session.Client.GetAsync(RolloutResource.Rollouts, session.Namespace, name, ct).ConfigureAwait(false);
        if (!rollout.IsSuccess) return ClusterFailure.Outcome(session, rollout.Error!, "get", "rollouts.canaria.dev", $"Rollout {name}");
        if ((string?)rollout.Value!["spec"]?["workloadRef"]?["name"] is not { Length: > 0 } deploymentName)
            return ClusterOutcome.Failed(ExitCodes.Invalid, $"Rollout {name} has no spec.workloadRef.name: no Deployment to set an image in");
        string? previous = null;
        string[] known = [];
        var updated = await session.Client.UpdateWithRetryAsync(KubeResource.Deployments, session.Namespace, deploymentName, d =>
        {
            var pod = d["spec"]?["template"]?["spec"];
            var all = ContainerLists.SelectMany(list => (pod?[list] as JsonArray)?.OfType<JsonObject>() ?? []).ToList();
            known = [.. all.Select(c => (string?)c["name"] ?? "?")];
            if (all.FirstOrDefault(c => (string?)c["name"] == container) is not { } target) return false;
            previous = (string?)target["image"];
            if (previous == image) return false;
            target["image"] = image;
            return true;
        }, cancellationToken: ct).ConfigureAwait(false);
        if (!updated.IsSuccess) return ClusterFailure.Outcome(session, updated.Error!, "update", "deployments.apps", $"Deployment {deploymentName}");
        if (previous is null && !known.Contains(container))
        {
            return ClusterOutcome.Failed(ExitCodes.Invalid,
                $"Deployment {deploymentName} has no container '{container}' (its containers: {(known.Length == 0 ? "none" : string.Join(", ", known))}); nothing changed");
        }
        if (previous == image) return ClusterOutcome.Done($"Deployment {deploymentName}: container {container} already runs {image}; nothing changed");
        return ClusterOutcome.Done($"Deployment {deploymentName}: container {container} image {previous} → {image}; the controller releases it through Rollout {name}'s steps " +
            $"(`{ClusterOptions.Command("status " + name + " --watch")}` follows it)");
    }
}
