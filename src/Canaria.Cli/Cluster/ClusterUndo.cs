using System.CommandLine;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster;

/// <summary>
/// `undo [--to-revision N]` on a cluster, as `kubectl rollout undo` does it: the pod template of revision N's ReplicaSet
/// (without pod-template-hash) becomes the Deployment's template again. The controller then releases it like any new
/// template, or cancels the release in progress when it equals the stable revision's.
/// </summary>
internal static class ClusterUndo
{
    public static async Task<int> RunAsync(ParseResult r, string name, int? toRevision, CancellationToken ct)
    {
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        return (await UndoAsync(session, name, toRevision, ct).ConfigureAwait(false)).Print();
    }

    /// <summary>The undo itself, for the CLI and the dashboard: what was written, or why nothing was.</summary>
    public static async Task<ClusterOutcome> UndoAsync(ClusterSession session, string name, int? toRevision, CancellationToken ct)
    {
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Outcome(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);
        if (view.DeploymentName is null || view.Deployment is null)
        {
            return ClusterOutcome.Failed(ExitCodes.NotFound,
                $"Rollout {name}: its Deployment {view.DeploymentName ?? "(spec.workloadRef.name unset)"} not found in namespace {session.Namespace}");
        }
        var revisions = view.Revisions;
        var known = string.Join(", ", revisions.Values.Order());
        var target = toRevision ?? DefaultTarget(view.StableRevision, revisions.GetValueOrDefault(view.Deployment.TemplateHash), revisions.Values);
        if (target == 0)
        {
            return ClusterOutcome.Failed(ExitCodes.Invalid,
                $"Rollout {name} has no revision before the stable revision {view.StableRevision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}" +
                $" (known revisions: {(known.Length == 0 ? "none" : known)}); pass --to-revision N");
        }
        var hash = revisions.FirstOrDefault(p => p.Value == target).Key;
        if (hash is null)
        {
            return ClusterOutcome.Failed(ExitCodes.Invalid,
                $"Rollout {name} has no revision {target}; known revisions are {(known.Length == 0 ? "none" : known)} (see `{ClusterOptions.Command("history " + name)}`)");
        }
        // The template is copied as the ReplicaSet's JSON, not the typed read: a model drops the fields it does not know.
        var owned = view.Deployment.ReplicaSetOf(hash);
        var rs = owned is null ? null : await session.Client.GetAsync(KubeResource.ReplicaSets, session.Namespace, owned.Name, ct).ConfigureAwait(false);
        if (rs is { IsSuccess: false, Error.IsNotFound: false }) return ClusterFailure.Outcome(session, rs.Error!, "get", "replicasets.apps", $"ReplicaSet {owned!.Name}");
        if (rs?.Value?["spec"]?["template"] is not JsonObject template)
        {
            return ClusterOutcome.Failed(ExitCodes.NotFound,
                $"revision {target} of Rollout {name} has no ReplicaSet left in namespace {session.Namespace} (its template is kept only in its ReplicaSet); known revisions are {known}");
        }
        var wanted = (JsonObject)template.DeepClone();
        if (wanted["metadata"]?["labels"] is JsonObject labels) labels.Remove(PodTemplates.HashLabel);

        var unchanged = false;
        var updated = await session.Client.UpdateWithRetryAsync(KubeResource.Deployments, session.Namespace, view.DeploymentName, d =>
        {
            if (PodTemplates.Hash(d["spec"]?["template"]) == hash)
            {
                unchanged = true;
                return false;
            }
            d["spec"]!["template"] = wanted.DeepClone();
            return true;
        }, cancellationToken: ct).ConfigureAwait(false);
        if (!updated.IsSuccess) return ClusterFailure.Outcome(session, updated.Error!, "update", "deployments.apps", $"Deployment {view.DeploymentName}");
        var images = ClusterRolloutView.Images(owned!.Object.Spec?.Template);
        if (unchanged) return ClusterOutcome.Done($"Deployment {view.DeploymentName} already has the template of revision {target} ({images}); nothing changed");
        var effect = target == view.StableRevision
            ? "it is the stable revision, so the release in progress is cancelled"
            : "the controller releases it through the Rollout's steps";
        return ClusterOutcome.Done($"Deployment {view.DeploymentName}: template set to revision {target} ({images}); {effect}");
    }

    /// <summary>
    /// What `kubectl rollout undo` without a revision means: back to what served before the current template. While a
    /// release is in progress or aborted (the Deployment's template is not the stable revision's) that is the stable
    /// revision, which cancels the release; otherwise the newest revision before the stable one. 0 when there is none.
    /// </summary>
    private static int DefaultTarget(int? stable, int current, IEnumerable<int> revisions) =>
        stable is { } s && current != s ? s : revisions.Where(v => v < (stable ?? 0)).DefaultIfEmpty(0).Max();
}
