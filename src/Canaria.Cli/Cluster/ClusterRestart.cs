using System.CommandLine;
using Canaria.Cli.Rendering;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Cli.Cluster;

/// <summary>
/// `restart ROLLOUT` on a cluster, as `kubectl argo rollouts restart`: new pods for the running revisions without a new
/// release (the pod template, and so the revision, stays). Pods are deleted one at a time, oldest ReplicaSet first, and
/// the next only after the ReplicaSet has all its pods ready again, so a version of n pods never has fewer than n-1
/// ready. A version of one pod would have none ready for a moment, so it is refused unless --allow-unavailable.
/// (`kubectl rollout restart` would change the template: a new revision, released through the steps.)
/// </summary>
internal static class ClusterRestart
{
    public static async Task<int> RunAsync(ParseResult r, string name, bool allowUnavailable, CancellationToken ct)
    {
        if (ClusterOptions.ParseDuration(r.GetValue(ClusterOptions.Timeout) ?? "") is not { } timeout)
            return ClusterOutcome.Failed(ExitCodes.Invalid, $"--timeout {r.GetValue(ClusterOptions.Timeout)}: not a duration (e.g. 30s, 2m)").Print();
        using var session = ClusterSession.Open(r, out var error);
        if (session is null) return ClusterReads.Fail(error);
        var (view, failure, resource) = await ClusterRolloutView.LoadAsync(session, name, ct).ConfigureAwait(false);
        if (view is null) return ClusterFailure.Report(session, failure!, "get", resource, resource == "rollouts.canaria.dev" ? $"Rollout {name}" : resource);
        if (view.Deployment is null)
            return ClusterOutcome.Failed(ExitCodes.NotFound, $"Rollout {name}: its Deployment {view.DeploymentName ?? "(spec.workloadRef.name unset)"} not found in namespace {session.Namespace}").Print();
        var rows = view.ReplicaSets().Where(rs => rs.Replicas > 0).ToList();
        if (!allowUnavailable && rows.FirstOrDefault(rs => rs.Replicas == 1) is { } single)
        {
            return ClusterOutcome.Failed(ExitCodes.Refused, $"ReplicaSet {single.Name} (revision {single.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}) " +
                "has one pod: restarting it leaves that version with no ready pod until the new one is ready; pass --allow-unavailable to do it anyway. Nothing was restarted").Print();
        }
        var started = session.Time.GetUtcNow();
        var restarted = 0;
        foreach (var row in rows)
        {
            var rs = view.Deployment.ReplicaSets.First(x => x.Name == row.Name);
            var pods = await session.Client.ListAllAsync<V1Pod>(KubeResource.Pods, session.Namespace,
                new ListOptions { LabelSelector = $"{PodTemplates.HashLabel}={rs.PodHash}" }, ct).ConfigureAwait(false);
            if (!pods.IsSuccess) return ClusterFailure.Report(session, pods.Error!, "list", "pods", $"the pods of ReplicaSet {rs.Name}");
            var uid = rs.Object.Metadata.Uid;
            foreach (var pod in pods.Value!.Where(p => Pods.OwnedBy(p, uid) && p.Metadata.DeletionTimestamp is null && p.Metadata.Created() < started))
            {
                var podName = pod.Metadata.Name;
                Output.Info($"restarting pod {podName} (revision {row.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}{(row.Role.Length > 0 ? ", " + row.Role : "")})");
                var deleted = await session.Client.DeleteAsync(KubeResource.Pods, session.Namespace, podName,
                    new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, ct).ConfigureAwait(false);
                if (!deleted.IsSuccess && !deleted.Error!.IsNotFound) return ClusterFailure.Report(session, deleted.Error, "delete", "pods", $"Pod {podName}");
                if (await WaitReadyAsync(session, rs, podName, timeout, ct).ConfigureAwait(false) is { } late)
                    return ClusterOutcome.Failed(ExitCodes.Unreachable, $"{late}; {restarted} pod(s) restarted before it, no other pod was deleted").Print();
                restarted++;
            }
        }
        return ClusterOutcome.Done($"Rollout {name}: {restarted} pod(s) restarted one at a time, each replacement ready before the next; same revisions, no release").Print();
    }

    /// <summary>
    /// Null once the old pod is gone and the ReplicaSet has all its pods ready again, counted both from its pods and from its
    /// status; else (after the timeout) what is missing. The status alone is not enough: it can still say "all ready" from
    /// before the ReplicaSet controller saw the deletion, and the next pod would then go while the replacement is not ready.
    /// </summary>
    private static async Task<string?> WaitReadyAsync(ClusterSession session, OwnedReplicaSet owned, string oldPod, TimeSpan timeout, CancellationToken ct)
    {
        var replicaSet = owned.Name;
        var uid = owned.Object.Metadata.Uid;
        var deadline = session.Time.GetUtcNow() + timeout;
        while (true)
        {
            var rs = await session.Client.GetAsync<V1ReplicaSet>(KubeResource.ReplicaSets, session.Namespace, replicaSet, ct).ConfigureAwait(false);
            var old = await session.Client.GetAsync(KubeResource.Pods, session.Namespace, oldPod, ct).ConfigureAwait(false);
            var pods = await session.Client.ListAllAsync<V1Pod>(KubeResource.Pods, session.Namespace,
                new ListOptions { LabelSelector = $"{PodTemplates.HashLabel}={owned.PodHash}" }, ct).ConfigureAwait(false);
            var want = rs.Value?.Spec?.Replicas ?? 0;
            var ready = rs.Value?.Status?.ReadyReplicas ?? 0;
            var readyPods = pods.IsSuccess ? pods.Value!.Count(p => Pods.OwnedBy(p, uid) && p.Metadata.DeletionTimestamp is null && Pods.Ready(p)) : 0;
            if (rs.IsSuccess && old.Error is { IsNotFound: true } && ready >= want && readyPods >= want) return null;
            if (session.Time.GetUtcNow() > deadline)
                return $"ReplicaSet {replicaSet} has {Math.Min(ready, readyPods)}/{want} pods ready {timeout.TotalSeconds:0}s after pod {oldPod} was deleted{(old.IsSuccess ? " (and that pod is still terminating)" : "")}";
            await Task.Delay(ClusterCommand.Poll, session.Time, ct).ConfigureAwait(false);
        }
    }
}
